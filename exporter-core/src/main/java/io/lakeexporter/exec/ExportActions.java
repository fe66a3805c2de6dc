package io.lakeexporter.exec;

import io.lakeexporter.copy.CopyEngine;
import io.lakeexporter.copy.CopyResult;
import io.lakeexporter.copy.CopySource;
import io.lakeexporter.copy.CopyStrategy;
import io.lakeexporter.copy.DestinationListing;
import io.lakeexporter.copy.IdenticalObject;
import io.lakeexporter.copy.RetryPolicy;
import io.lakeexporter.plan.Action;
import io.lakeexporter.plan.DestinationKeys;
import io.lakeexporter.report.ActionOutcome;
import io.lakeexporter.report.Printable;
import io.lakeexporter.source.LakeFsClient;
import io.lakeexporter.source.ObjectEntry;
import io.lakeexporter.storage.BucketNotFoundException;
import io.lakeexporter.storage.ConnectionFailures;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.RequestRefusedException;
import io.lakeexporter.storage.StorageProvider;
import io.lakeexporter.storage.StorageRegistry;
import io.lakeexporter.storage.http.HttpReadStore;
import io.lakeexporter.storage.local.LocalStorageProvider;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the copies and deletes of one export: finds each source, the way to read it and its
 * destination key, and turns every failure into an outcome that names the key and the reason.
 */
public final class ExportActions implements ActionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ExportActions.class);

  private final LakeFsClient lakeFs;
  private final String repository;
  private final String commitId;
  private final StorageRegistry registry;
  private final ObjectStore destination;
  private final DestinationKeys keys;
  private final CopyEngine engine;
  private final SourceMode mode;
  private final RetryPolicy retry;
  private final HttpReadStore presignedReader;
  private final ImportedData imported;
  private final DestinationListing listing;

  /**
   * @param previousCommitId the previous commit of a diff export, or {@code null}
   * @param listing what the rounds' listings of the destination showed, for a copy that skips
   *     identical objects; null when the destination is not listed
   */
  public ExportActions(
      LakeFsClient lakeFs,
      String repository,
      String commitId,
      String previousCommitId,
      StorageRegistry registry,
      ObjectStore destination,
      DestinationKeys keys,
      CopyEngine engine,
      SourceMode mode,
      RetryPolicy retry,
      HttpReadStore presignedReader,
      DestinationListing listing) {
    this.lakeFs = Objects.requireNonNull(lakeFs, "lakeFs is null");
    this.repository = Objects.requireNonNull(repository, "repository is null");
    this.commitId = Objects.requireNonNull(commitId, "commitId is null");
    this.registry = Objects.requireNonNull(registry, "registry is null");
    this.destination = Objects.requireNonNull(destination, "destination is null");
    this.keys = Objects.requireNonNull(keys, "keys is null");
    this.engine = Objects.requireNonNull(engine, "engine is null");
    this.mode = Objects.requireNonNull(mode, "mode is null");
    this.retry = Objects.requireNonNull(retry, "retry is null");
    this.presignedReader = Objects.requireNonNull(presignedReader, "presignedReader is null");
    this.imported =
        new ImportedData(lakeFs, repository, previousCommitId, registry, destination, retry);
    this.listing = listing;
  }

  @Override
  public ActionOutcome copy(Action action) {
    return carryOut(action, true);
  }

  /**
   * What {@link #copy} would do with {@code action}, for a dry run that skips identical objects:
   * the same look-ups, then no write. The object counts {@code already-there} when the destination
   * holds its bytes, else as a copy of its size with no strategy; what would fail fails.
   */
  public ActionOutcome look(Action action) {
    return carryOut(action, false);
  }

  /** These actions as a dry run takes them: each copy {@link #look looked at}, never a delete. */
  public ActionHandler lookingOnly() {
    return new ActionHandler() {
      @Override
      public ActionOutcome copy(Action action) {
        return look(action);
      }

      @Override
      public List<ActionOutcome> delete(List<Action> batch) {
        throw new UnsupportedOperationException("a dry run deletes nothing");
      }

      @Override
      public int deleteBatchSize() {
        return 1;
      }
    };
  }

  /**
   * A diff's takedown, before round 1, of the keys a later round writes again, each given as that
   * round's copy: deleted, unless the destination holds the commit's version already (a diff run
   * again after it got that far), which stays up, since writing it back in its round changes
   * nothing and a reader would only find it gone meanwhile. For exports that skip identical
   * objects: the look is theirs.
   */
  public ActionHandler takingDownUnlessThere() {
    return new ActionHandler() {
      @Override
      public ActionOutcome copy(Action rewritten) {
        ActionOutcome looked = look(rewritten);
        if (looked.succeeded() && looked.strategy() == CopyStrategy.ALREADY_THERE) {
          return looked;
        }
        return ExportActions.this
            .delete(List.of(Action.delete(rewritten.path(), rewritten.round())))
            .get(0);
      }

      @Override
      public List<ActionOutcome> delete(List<Action> batch) {
        throw new UnsupportedOperationException("a takedown is given copies");
      }

      @Override
      public int deleteBatchSize() {
        return 1;
      }
    };
  }

  /**
   * The failure a run would give {@code copy} before it sends anything for it, or empty when it
   * would try it: a key the destination would not keep as named or that lies in the storage
   * namespace ({@link DestinationKeys#resolve(String, ObjectStore)}), metadata the destination
   * would not keep as it is ({@link CopyEngine#metadataFor}). What a dry run that looks nothing up
   * can tell.
   */
  public static Optional<ActionOutcome> unsentFailure(
      Action copy, ObjectStore destination, DestinationKeys keys) {
    try {
      keys.resolve(copy.path(), destination);
      if (copy.source() != null) {
        CopyEngine.metadataFor(copy.source(), destination);
      }
      return Optional.empty();
    } catch (DestinationKeys.InvalidKeyException | RequestRefusedException e) {
      String source = copy.source() == null ? "" : copy.source().redactedAddress();
      return Optional.of(ActionOutcome.failed(copy, source, e.getMessage()));
    }
  }

  private ActionOutcome carryOut(Action action, boolean write) {
    String source = action.source() == null ? "" : action.source().redactedAddress();
    // Taken first, whatever happens next: what is left untaken is kept.
    DestinationListing.Listed listed = listing == null ? null : listing.take(action.path());
    try {
      Location target = keys.resolve(action.path(), destination);
      ObjectEntry entry = action.source() != null ? action.source() : statSource(action.path());
      source = entry.redactedAddress();
      if (keys.mayHoldLakeFsData()) {
        if (imported.isAt(entry, target)) {
          LOG.debug("{} is in place: lakeFS reads its bytes at {}", action.path(), target);
          return ActionOutcome.copied(action, CopyStrategy.IN_PLACE, 0, 0, source);
        }
        if (action.inPreviousCommit()) {
          Optional<String> refusal =
              imported.previousObjectAt(action.path(), target, "overwriting");
          if (refusal.isPresent()) {
            return failed(action, source, refusal.get());
          }
        }
      }
      if (!write) {
        CopyEngine.metadataFor(entry, destination);
        var there = retry.run(() -> IdenticalObject.isAt(destination, target, entry, listed));
        return there.value()
            ? ActionOutcome.copied(action, CopyStrategy.ALREADY_THERE, 0, there.attempts(), source)
            : ActionOutcome.copied(action, null, entry.size(), there.attempts(), source);
      }
      CopyResult result = engine.copy(sourceOf(entry), target, listed);
      LOG.debug(
          "copied {} to {}: {} bytes, {}, {} attempt(s)",
          source,
          target,
          result.bytes(),
          result.strategy(),
          result.attempts());
      return ActionOutcome.copied(
          action, result.strategy(), result.bytes(), result.attempts(), source);
    } catch (DestinationKeys.InvalidKeyException | BucketNotFoundException e) {
      // A missing bucket is named by the store's message, whichever side's it is.
      return failed(action, source, e.getMessage());
    } catch (FileNotFoundException e) {
      return failed(action, source, "source object missing: " + e.getMessage());
    } catch (IOException | RuntimeException e) {
      ActionOutcome outcome = failed(action, source, describe(e), RetryPolicy.attemptsOf(e));
      Optional<String> stop = roundStop(e);
      if (stop.isPresent()) {
        throw stoppingTheRound(List.of(outcome), stop.get());
      }
      return outcome;
    }
  }

  /**
   * Why the round takes no more objects after {@code e}, an action's failure after its attempts,
   * when the rest of the round would meet it too: its server (lakeFS, the source's store, the
   * destination) cannot be reached at all or does not answer in time, or a client the export uses
   * was closed under it (a client shared with the caller, closed before the export ended).
   */
  private Optional<String> roundStop(Exception e) {
    if (serverGone(e)) {
      return Optional.of(SERVER_GONE);
    }
    if (lakeFs.isClosed() || registry.isClosed()) {
      return Optional.of(
          "found a client the export uses closed (close a lakeFS client or storage registry after"
              + " the exports that use it)");
    }
    return Optional.empty();
  }

  private static final String SERVER_GONE =
      "could not reach a server the export needs, or had no answer from it";

  /**
   * Whether {@code e}, an action's failure after its attempts, says its server cannot be reached at
   * all or did not answer in time: every action after it would wait out the same attempts.
   */
  public static boolean serverGone(Exception e) {
    return ConnectionFailures.unreachable(e) || ConnectionFailures.timedOut(e);
  }

  /**
   * Why a round stopped at the {@code kind} of {@code path}, which failed with {@code error}
   * because its server was gone ({@link #serverGone}).
   */
  public static String serverGoneStop(Action.Kind kind, String path, String error) {
    return stop(kind, path, SERVER_GONE, error);
  }

  private static String stop(Action.Kind kind, String path, String why, String error) {
    return "the "
        + kind.label()
        + " of '"
        + Printable.line(path)
        + "' "
        + why
        + ", so the round took no more objects: "
        + error;
  }

  /**
   * Failed actions that every action after them would follow, after waiting out the same attempts
   * ({@code why}, see {@link #roundStop}): the round stops on them.
   */
  private static RoundStoppingFailure stoppingTheRound(List<ActionOutcome> failed, String why) {
    ActionOutcome first = failed.get(0);
    return new RoundStoppingFailure(failed, stop(first.kind(), first.path(), why, first.error()));
  }

  private static ActionOutcome failed(Action action, String source, String error) {
    return failed(action, source, error, 1);
  }

  private static ActionOutcome failed(Action action, String source, String error, int attempts) {
    LOG.info(
        "failed to copy {} ({}) after {} attempt(s): {}",
        Printable.line(action.path()),
        Printable.line(source),
        attempts,
        Printable.line(error));
    return ActionOutcome.failed(action, source, error, attempts);
  }

  @Override
  public List<ActionOutcome> delete(List<Action> batch) {
    var outcomes = new ArrayList<ActionOutcome>(batch.size());
    Map<Location, Action> byLocation = new HashMap<>();
    Optional<String> stop = Optional.empty();
    for (int i = 0; i < batch.size() && stop.isEmpty(); i++) {
      Action action = batch.get(i);
      try {
        Location target = keys.resolve(action.path(), destination);
        Optional<String> refusal =
            keys.mayHoldLakeFsData()
                ? imported.previousObjectAt(action.path(), target, "deleting")
                : Optional.empty();
        if (refusal.isPresent()) {
          outcomes.add(ActionOutcome.failed(action, "", refusal.get()));
        } else {
          byLocation.put(target, action);
        }
      } catch (DestinationKeys.InvalidKeyException e) {
        outcomes.add(ActionOutcome.failed(action, "", e.getMessage()));
      } catch (IOException | RuntimeException e) {
        outcomes.add(ActionOutcome.failed(action, "", describe(e), RetryPolicy.attemptsOf(e)));
        stop = roundStop(e);
      }
    }
    if (stop.isPresent()) {
      // The keys of the batch not asked about yet, or found free to go, are left with the rest of
      // the round: not tried.
      throw stoppingTheRound(outcomes, stop.get());
    }
    if (byLocation.isEmpty()) {
      return outcomes;
    }
    try {
      List<ObjectStore.DeleteFailure> failures =
          retry.run(() -> destination.delete(List.copyOf(byLocation.keySet()))).value();
      for (ObjectStore.DeleteFailure failure : failures) {
        Action action = byLocation.remove(failure.location());
        if (action != null) {
          outcomes.add(ActionOutcome.failed(action, "", failure.reason()));
        }
      }
      byLocation.values().forEach(a -> outcomes.add(ActionOutcome.deleted(a)));
      LOG.debug("deleted {} objects under {}", byLocation.size(), keys.root());
    } catch (IOException | RuntimeException e) {
      int attempts = RetryPolicy.attemptsOf(e);
      byLocation
          .values()
          .forEach(a -> outcomes.add(ActionOutcome.failed(a, "", describe(e), attempts)));
      Optional<String> stopAll = roundStop(e);
      if (stopAll.isPresent()) {
        throw stoppingTheRound(outcomes, stopAll.get());
      }
      return outcomes;
    }
    try {
      destination.removeEmptyDirectories(byLocation.keySet(), keys.root());
    } catch (IOException | RuntimeException e) {
      // The objects are gone; an emptied directory left behind is reported, not a failed delete.
      LOG.warn("could not remove the directories emptied under {}: {}", keys.root(), describe(e));
    }
    return outcomes;
  }

  /** Stops the copies in parts under way: see {@link CopyEngine#cancel}. */
  @Override
  public void cancel() {
    engine.cancel();
  }

  @Override
  public int deleteBatchSize() {
    // Each delete asks lakeFS where the removed object's bytes were, one request after another in
    // a batch: small batches let the workers ask side by side, as copies do.
    return keys.mayHoldLakeFsData()
        ? Math.min(DELETES_ASKED_PER_BATCH, destination.maxDeleteBatch())
        : destination.maxDeleteBatch();
  }

  /** Deletes per batch when each asks lakeFS first. */
  static final int DELETES_ASKED_PER_BATCH = 8;

  private ObjectEntry statSource(String path) throws IOException {
    return retry
        .run(() -> lakeFs.stat(repository, commitId, path, mode == SourceMode.PRESIGNED))
        .value();
  }

  /** How to read {@code entry}, by the source mode. */
  public CopySource sourceOf(ObjectEntry entry) throws IOException {
    return switch (mode) {
      case LAKEFS -> throughLakeFs(entry);
      case PRESIGNED -> {
        Location location = Location.parseAddress(entry.physicalAddress());
        if (!location.scheme().startsWith("http")) {
          throw new IOException(
              "lakeFS returned no presigned URL for '"
                  + entry.path()
                  + "' (address "
                  + entry.redactedAddress()
                  + "); its blockstore may not support presigning: use the lakefs source mode");
        }
        yield direct(entry, location, presignedReader);
      }
      case DIRECT -> {
        Location location = Location.parseAddress(entry.physicalAddress());
        yield direct(entry, location, registry.storeFor(location));
      }
      case AUTO -> {
        Optional<Location> location = directlyReadable(registry, entry.physicalAddress());
        yield location.isPresent()
            ? directOrSay(entry, location.get(), registry.storeFor(location.get()))
            : throughLakeFs(entry);
      }
    };
  }

  /**
   * Whether {@code action} copies an object whose bytes are at its destination already, so that its
   * copy finds it {@link CopyStrategy#IN_PLACE}. The Spark driver asks, to leave such an object to
   * a whole copy on an executor rather than start a multipart upload over it.
   */
  public static boolean inPlace(
      StorageRegistry registry, ObjectStore destination, DestinationKeys keys, Action action) {
    if (action.source() == null || !keys.mayHoldLakeFsData()) {
      return false;
    }
    try {
      return ImportedData.isAt(
          registry, destination, action.source(), keys.resolve(action.path(), destination));
    } catch (DestinationKeys.InvalidKeyException e) {
      return false; // the key's failure is reported where it is copied
    }
  }

  /**
   * Where the {@link SourceMode#AUTO} source mode reads an object at {@code address} directly: a
   * location a storage module of {@code registry} serves, or empty when it reads through lakeFS.
   * The Spark driver asks too, to know which objects executors will copy server-side.
   */
  public static Optional<Location> directlyReadable(StorageRegistry registry, String address) {
    Location location;
    try {
      location = Location.parseAddress(address);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (location.scheme().equals("local")
        && registry.settings().get(LocalStorageProvider.BLOCKSTORE_PATH_KEY).isEmpty()) {
      return Optional.empty();
    }
    try {
      StorageProvider provider = registry.providerFor(location);
      return provider.priority() > 0 ? Optional.of(location) : Optional.empty();
    } catch (IOException noProvider) {
      return Optional.empty();
    }
  }

  private static CopySource direct(ObjectEntry entry, Location location, ObjectStore store) {
    return new CopySource(
        entry, Optional.of(location), (offset, length) -> store.read(location, offset, length));
  }

  /**
   * A direct read picked by {@link SourceMode#AUTO}, which the source's store may refuse (no
   * credentials for it here): the refusal then says how to do without them.
   */
  private static CopySource directOrSay(ObjectEntry entry, Location location, ObjectStore store) {
    return new CopySource(
        entry,
        Optional.of(location),
        (offset, length) -> {
          try {
            return store.read(location, offset, length);
          } catch (RequestRefusedException e) {
            throw new RequestRefusedException(
                e.getMessage()
                    + " (read directly, the source mode auto's choice: the presigned or lakefs"
                    + " source mode reads through lakeFS without storage credentials)");
          }
        });
  }

  private CopySource throughLakeFs(ObjectEntry entry) {
    return new CopySource(
        entry,
        Optional.empty(),
        (offset, length) -> lakeFs.openObject(repository, commitId, entry.path(), offset, length));
  }

  private static String describe(Exception e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
