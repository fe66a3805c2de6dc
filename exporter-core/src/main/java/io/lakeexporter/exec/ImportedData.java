package io.lakeexporter.exec;

import io.lakeexporter.copy.RetryPolicy;
import io.lakeexporter.source.LakeFsClient;
import io.lakeexporter.source.ObjectEntry;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.StorageRegistry;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds the bytes lakeFS itself reads at an export's destination. An object imported by reference
 * keeps its bytes where they were imported from, outside the repository's storage namespace, so an
 * export back to that place meets them: a full export would rewrite each object over its own bytes
 * (the same bytes, but a new object to the store, with another ETag or modification time than
 * lakeFS recorded), and a diff would overwrite or delete the bytes the previous commit still reads,
 * taking them from lakeFS's history. Asked only where {@code DestinationKeys#mayHoldLakeFsData()}
 * says such bytes can be.
 */
final class ImportedData {

  private final LakeFsClient lakeFs;
  private final String repository;
  private final String previousCommitId;
  private final StorageRegistry registry;
  private final ObjectStore destination;
  private final RetryPolicy retry;

  /**
   * @param previousCommitId the previous commit of a diff export, or {@code null}
   */
  ImportedData(
      LakeFsClient lakeFs,
      String repository,
      String previousCommitId,
      StorageRegistry registry,
      ObjectStore destination,
      RetryPolicy retry) {
    this.lakeFs = Objects.requireNonNull(lakeFs, "lakeFs is null");
    this.repository = Objects.requireNonNull(repository, "repository is null");
    this.previousCommitId = previousCommitId;
    this.registry = Objects.requireNonNull(registry, "registry is null");
    this.destination = Objects.requireNonNull(destination, "destination is null");
    this.retry = Objects.requireNonNull(retry, "retry is null");
  }

  /**
   * Whether {@code entry}'s bytes are at {@code target} already. A presigned address names no
   * location and is never there.
   */
  boolean isAt(ObjectEntry entry, Location target) {
    return isAt(registry, destination, entry, target);
  }

  /** Whether {@code entry}'s bytes are at {@code target} on {@code destination} already. */
  static boolean isAt(
      StorageRegistry registry, ObjectStore destination, ObjectEntry entry, Location target) {
    Location address;
    try {
      address = Location.parseAddress(entry.physicalAddress());
      if (registry.providerFor(address) != registry.providerFor(target)) {
        return false;
      }
      return destination.canonical(address).equals(destination.canonical(target));
    } catch (IOException | IllegalArgumentException e) {
      return false; // no store here serves the address: it is not the destination's
    }
  }

  /**
   * Why {@code target} must not be overwritten or deleted, when the previous commit's object at
   * {@code path} has its bytes there; empty otherwise, and always outside a diff.
   *
   * @param doing what would be done to the bytes, for the message ("overwriting", "deleting")
   * @throws IOException when lakeFS could not be asked
   */
  Optional<String> previousObjectAt(String path, Location target, String doing) throws IOException {
    if (previousCommitId == null) {
      return Optional.empty();
    }
    ObjectEntry previous;
    try {
      previous = retry.run(() -> lakeFs.stat(repository, previousCommitId, path, false)).value();
    } catch (FileNotFoundException e) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      // Unless lakeFS tells where the previous version's bytes are, they may be at the target.
      var unanswered =
          new IOException(
              "not "
                  + doing
                  + " "
                  + target
                  + ": lakeFS could not tell whether commit "
                  + previousCommitId
                  + " reads the bytes of '"
                  + path
                  + "' there: "
                  + e.getMessage(),
              e);
      for (Throwable attempts : e.getSuppressed()) {
        unanswered.addSuppressed(attempts); // how often lakeFS was asked
      }
      throw unanswered;
    }
    if (!isAt(previous, target)) {
      return Optional.empty();
    }
    return Optional.of(
        "refused: "
            + target
            + " holds the bytes of '"
            + path
            + "' in commit "
            + previousCommitId
            + ", imported by reference, which lakeFS reads there; "
            + doing
            + " them would take that version from the repository's history (export to another"
            + " location than the import's source)");
  }
}
