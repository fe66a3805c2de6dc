package io.lakeexporter;

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
import java.time.Duration;
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

  /** Attempts to reach the destination's store before it is taken to be down, and the pause. */
  private static final int UNREACHABLE_ATTEMPTS = 3;

  private static final Duration UNREACHABLE_PAUSE = Duration.ofMillis(500);

  private DestinationCheck() {}

  /**
   * The store that writes at {@code root}, once it is known to be usable: the store can write, and
   * a local root is a directory or can be made one (it is made now, except for a dry run, which
   * writes nothing).
   *
   * @throws InvalidExportException when no store serves {@code root}, the store is read-only or
   *     would not keep a status file's name under it, or a local root is a file or goes through one
   */
  public static ObjectStore usableStore(StorageRegistry storage, Location root, boolean dryRun) {
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
      checkBucketExists(store, root);
    }
    return store;
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
  private static void checkBucketExists(ObjectStore store, Location root) {
    for (int attempt = 1; ; attempt++) {
      try {
        store.requireBucket(root);
        return;
      } catch (FileNotFoundException | EveryRequestRefusedException refused) {
        throw new InvalidExportException(
            "cannot export to " + root + ": " + refused.getMessage(), refused);
      } catch (IOException | RuntimeException e) {
        if (!ConnectionFailures.unreachable(e)) {
          LOG.debug("cannot tell whether the bucket of {} exists; the copies will tell", root, e);
          return;
        }
        // A store that cannot be reached now would fail every copy, each after its attempts, and
        // then the status file: a few tries here, and the export does not start.
        if (attempt == UNREACHABLE_ATTEMPTS) {
          throw new DestinationUnavailableException(
              "cannot export to "
                  + root
                  + ": its store could not be reached ("
                  + UNREACHABLE_ATTEMPTS
                  + " attempts): "
                  + e.getMessage(),
              e);
        }
        try {
          Thread.sleep(UNREACHABLE_PAUSE.toMillis() * attempt);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return; // the export says it was interrupted while checking the destination
        }
      }
    }
  }

  /**
   * A directory root must be a directory, or one that can be made: the nearest part of its path
   * that exists must be a directory.
   */
  private static void checkLocalRoot(Location root, Path dir, boolean dryRun) {
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
    // Every key, then the status file, would fail on it; a dry run is told too.
    if (existing != null && !Files.isWritable(existing)) {
      throw new InvalidExportException(
          "cannot export to "
              + root
              + ": "
              + (existing.equals(dir)
                  ? "the directory is"
                  : "its directory cannot be made: " + existing + " is")
              + " not writable here (its permissions, or a read-only or immutable file system)");
    }
    if (dryRun) {
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
