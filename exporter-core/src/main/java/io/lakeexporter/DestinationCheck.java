package io.lakeexporter;

import io.lakeexporter.copy.RetryPolicy;
import io.lakeexporter.report.DestinationLease;
import io.lakeexporter.report.PreviousExport;
import io.lakeexporter.report.StatusFile;
import io.lakeexporter.storage.ConnectionFailures;
import io.lakeexporter.storage.EveryRequestRefusedException;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.StorageRegistry;
import io.lakeexporter.storage.StoreCapability;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether an export can write at its destination, decided before anything is listed or copied: a
 * destination that cannot be written would otherwise fail every copy and then its status file too,
 * leaving no report. The standalone {@link Exporter} and the Spark exporter both ask here.
 */
public final class DestinationCheck {

  private static final Logger LOG = LoggerFactory.getLogger(DestinationCheck.class);

  /** A lakeFS commit ID's length in hex digits: the status file's name holds one. */
  private static final int COMMIT_ID_LENGTH = 64;

  private DestinationCheck() {}

  /**
   * The store that writes at {@code root}, once it is known to be usable: the store can write, and
   * a local root is a directory or can be made one (it is made now). What this process may not do
   * there (write in a local root, be let in by the store, reach it) refuses the export.
   *
   * @param retry how often to try a store that cannot be reached: the copies' own policy, so that a
   *     store back within their patience is waited for here too
   * @throws InvalidExportException when no store serves {@code root}, the store is read-only or
   *     would not keep a status file's name under it, a local root is a file or goes through one or
   *     cannot be written, or the store would refuse every request
   * @throws DestinationUnavailableException when the store cannot be reached
   */
  public static ObjectStore usableStore(StorageRegistry storage, Location root, RetryPolicy retry) {
    return check(storage, root, null, retry);
  }

  /**
   * As {@link #usableStore} for a dry run, which writes nothing: what would refuse a run (the store
   * cannot be reached, lets this process in nowhere, a local root cannot be written) goes to {@code
   * refusals} instead, as a dry run may well size an export from a machine without the
   * destination's credentials; a root that is no usable destination at all is refused still.
   */
  public static ObjectStore storeForDryRun(
      StorageRegistry storage, Location root, RetryPolicy retry, RunRefusals refusals) {
    return check(storage, root, Objects.requireNonNull(refusals, "refusals is null"), retry);
  }

  /**
   * Refuses a diff from {@code previous} to {@code head} when the status files at {@code root} show
   * the destination does not hold {@code previous}'s export ({@link PreviousExport}); a dry run
   * ({@code dryRun} not null) adds that to its refusals instead. A root whose status files cannot
   * be read leaves the diff unchecked, as a warning says, as a lease that cannot be read leaves the
   * export unguarded. Asked before the lease is taken (a refusal then leaves another export's lease
   * as it found it), and again under it, when no other export changes them.
   *
   * @param leftLease the commits of an export that left its lease at the root, cut off part-way
   *     (its own, then those its diff ran from too), or none
   * @param quiet only refuse: nothing said of a diff allowed or unchecked (the first of the two
   *     asks of a run)
   * @return the commits of exports that stopped part-way over {@code previous}'s, which the diff
   *     runs from too; empty when unchecked
   * @throws PreviousExportMissingException when a run would write the diff over another commit
   */
  public static List<String> requireDiffStart(
      ObjectStore destination,
      Location root,
      String previous,
      String head,
      List<String> leftLease,
      RetryPolicy retry,
      RunRefusals dryRun,
      boolean quiet) {
    PreviousExport.Verdict verdict;
    try {
      verdict = PreviousExport.of(destination, root, previous, head, leftLease, retry);
    } catch (IOException | RuntimeException e) {
      if (quiet) {
        return List.of();
      }
      LOG.warn(
          "could not tell whether {} holds the export of commit {} this diff starts from, so the"
              + " diff goes on unchecked: {}",
          root,
          previous,
          describe(e));
      return List.of();
    }
    if (verdict.allowed()) {
      if (!verdict.said().isEmpty() && !quiet) {
        LOG.warn("{}", verdict.said());
      }
      return verdict.stoppedExports();
    }
    if (dryRun == null) {
      throw new PreviousExportMissingException(verdict.said());
    }
    dryRun.add(verdict.said());
    return List.of();
  }

  /**
   * A run's first look at the status files for a diff ({@link #requireDiffStart}), before anything
   * is made or taken at {@code root} (a local root's directory, the lease): a refusal leaves the
   * destination, and another export's lease, as they were. The look under the lease decides; a
   * store that cannot be had says nothing here (the destination's check says what is wrong).
   *
   * @throws PreviousExportMissingException when the diff would be refused
   */
  public static void refuseDiffStartEarly(
      StorageRegistry storage,
      Location root,
      String repository,
      String previous,
      String head,
      RetryPolicy retry) {
    ObjectStore store;
    try {
      store = storage.storeFor(root);
    } catch (IOException e) {
      return;
    }
    requireDiffStart(
        store,
        root,
        previous,
        head,
        DestinationLease.leftBy(store, root, repository),
        retry,
        null,
        true);
  }

  /**
   * The deciding look at a diff's status files ({@link #requireDiffStart}): for a run, under its
   * {@code lease}, with the commits of an export whose lease it took over, then written in the
   * lease for an export that may take this one's over; for a dry run ({@code lease} null), with
   * those of a lease left at the root, its refusals to {@code dryRun}.
   *
   * @return the commits of exports stopped part-way that the diff runs from too
   * @throws PreviousExportMissingException when a run would write the diff over another commit
   */
  public static List<String> diffStarts(
      ObjectStore destination,
      Location root,
      String repository,
      String previous,
      String head,
      DestinationLease lease,
      RetryPolicy retry,
      RunRefusals dryRun) {
    if (lease == null) {
      return requireDiffStart(
          destination,
          root,
          previous,
          head,
          DestinationLease.leftBy(destination, root, repository),
          retry,
          dryRun,
          false);
    }
    List<String> stopped =
        requireDiffStart(
            destination, root, previous, head, lease.tookOverFrom(), retry, null, false);
    lease.record(stopped);
    return stopped;
  }

  /** {@code dryRun} holds a dry run's refusals; null for a run. */
  private static ObjectStore check(
      StorageRegistry storage, Location root, RunRefusals dryRun, RetryPolicy retry) {
    checkRootSegments(root);
    ObjectStore store;
    try {
      store = storage.storeFor(root);
    } catch (IOException e) {
      throw new InvalidExportException("cannot use destination " + root + ": " + e.getMessage(), e);
    }
    if (!store.capabilities().contains(StoreCapability.WRITE)) {
      // An Azure account URL without its container is a plain URL to the HTTP store: say so.
      String declined = storage.whyDeclined(root);
      throw new InvalidExportException(
          "cannot export to "
              + root
              + ": the "
              + store.name()
              + " store cannot write there (it is read-only)"
              + (declined.isEmpty() ? "" : "; " + declined));
    }
    checkStatusFileName(store, root);
    if (root.scheme().equals("file")) {
      checkLocalRoot(root, root.toPath(), dryRun);
    } else {
      checkBucketExists(store, root, dryRun, retry);
    }
    return store;
  }

  /**
   * An object store's root whose path holds an empty segment ({@code s3://b/x//}, {@code
   * s3://b/x//y}) or a {@code .} or {@code ..} one: keys are names there, not paths, so the objects
   * would land under {@code x//} or {@code x/./y}, where a reader of {@code s3://b/x/} or {@code
   * s3://b/x/y/} finds none of them. (A local path is the file system's, made normal; a location
   * drops the slashes after its bucket.) One slash at the end is the usual way to name a prefix.
   */
  private static void checkRootSegments(Location root) {
    if (root.scheme().equals("file")) {
      return;
    }
    String path = root.path();
    String named = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    if (named.isEmpty()) {
      return;
    }
    for (String segment : named.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new InvalidExportException(
            "cannot export to "
                + root
                + ": its path holds "
                + (segment.isEmpty() ? "an empty segment ('//')" : "a '" + segment + "' segment")
                + ", which the store keeps in every key as written, where readers of the prefix"
                + " without it would not look; write the path without it");
      }
    }
  }

  /**
   * A root whose own name the store would not keep as it is (a path segment Azure drops the dots
   * of, a prefix that leaves no room for a key) would fail every key and then the status file.
   */
  private static void checkStatusFileName(ObjectStore store, Location root) {
    String name = StatusFile.failureName("0".repeat(COMMIT_ID_LENGTH));
    store
        .nameProblem(root.child(name))
        .ifPresent(
            problem -> {
              throw new InvalidExportException(
                  "cannot export to "
                      + root
                      + ": the "
                      + store.name()
                      + " store would not keep its status file ("
                      + StatusFile.failureName("<commit>")
                      + ") under it: "
                      + problem);
            });
  }

  /**
   * A bucket or container that does not exist, or credentials the store does not take at all, fail
   * every copy and then the status file: the store tells it first. Any other failure is no verdict
   * (a key may write without the right to list or read, a store may be down for a moment): the
   * copies report their own.
   */
  private static void checkBucketExists(
      ObjectStore store, Location root, RunRefusals dryRun, RetryPolicy retry) {
    try {
      retry.run(
          () -> {
            store.requireBucket(root);
            return null;
          });
    } catch (FileNotFoundException missing) {
      throw new InvalidExportException(
          "cannot export to " + root + ": " + missing.getMessage(), missing);
    } catch (EveryRequestRefusedException refused) {
      String why = "cannot export to " + root + ": " + refused.getMessage();
      refuseUnlessDryRun(dryRun, why, () -> new InvalidExportException(why, refused));
    } catch (IOException | RuntimeException e) {
      if (!ConnectionFailures.unreachable(e)) {
        LOG.debug("cannot tell whether the bucket of {} exists; the copies will tell", root, e);
        return;
      }
      // A store that cannot be reached now, tried as often as a copy would be, would fail every
      // copy after as many attempts, and then the status file: the export does not start.
      String why =
          "cannot export to "
              + root
              + ": its store could not be reached ("
              + RetryPolicy.attemptsOf(e)
              + " attempts): "
              + e.getMessage();
      refuseUnlessDryRun(dryRun, why, () -> new DestinationUnavailableException(why, e));
    }
  }

  /** Throws what {@code refusal} makes, or, in a dry run, which writes nothing, records it. */
  private static void refuseUnlessDryRun(
      RunRefusals dryRun, String why, Supplier<? extends RuntimeException> refusal) {
    if (dryRun == null) {
      throw refusal.get();
    }
    dryRun.add(why);
  }

  /**
   * A directory root must be a directory, or one that can be made: the nearest part of its path
   * that exists must be a directory.
   */
  private static void checkLocalRoot(Location root, Path dir, RunRefusals dryRun) {
    Path existing = dir;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing != null && !Files.isDirectory(existing)) {
      throw new InvalidExportException(
          "cannot export to "
              + root
              + ": "
              + (existing.equals(dir)
                  ? "it is"
                  : "its path goes through " + existing + ", which is")
              + " a file, not a directory");
    }
    // Every key, then the status file, would fail on it.
    if (existing != null && !Files.isWritable(existing)) {
      String why =
          "cannot export to "
              + root
              + ": "
              + (existing.equals(dir)
                  ? "the directory is"
                  : "its directory cannot be made: " + existing + " is")
              + " not writable here (its permissions, or a read-only or immutable file system)";
      refuseUnlessDryRun(dryRun, why, () -> new InvalidExportException(why));
    }
    if (dryRun != null) {
      return;
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new InvalidExportException(
          "cannot export to " + root + ": the directory cannot be created: " + describe(e), e);
    }
  }

  /**
   * A failure in words: a file system's bare path is not a reason, and an unexpected exception is
   * named.
   */
  public static String describe(Exception e) {
    if (e instanceof AccessDeniedException denied) {
      return "permission denied on " + denied.getFile();
    }
    if (e instanceof FileSystemException fs) {
      return fs.getReason() != null
          ? fs.getFile() + ": " + fs.getReason()
          : e.getClass().getSimpleName() + ": " + fs.getFile();
    }
    String message = e.getMessage() == null || e.getMessage().isBlank() ? null : e.getMessage();
    if (e instanceof IOException && message != null) {
      return message;
    }
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
