package io.lakeexporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.lakeexporter.copy.RetryPolicy;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.StorageRegistry;
import io.lakeexporter.storage.StorageSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DestinationCheckTest {

  @TempDir Path dir;
  private StorageRegistry storage;

  @BeforeEach
  void open() {
    storage = StorageRegistry.discover(StorageSettings.of(Map.of()));
  }

  @AfterEach
  void close() throws IOException {
    storage.close();
  }

  /** The check as an export runs it, with the copies' default retry policy. */
  private ObjectStore usable(Location root) {
    return DestinationCheck.usableStore(storage, root, RetryPolicy.DEFAULT);
  }

  /** The check as a dry run runs it. */
  private ObjectStore forDryRun(Location root, RunRefusals refusals) {
    return DestinationCheck.storeForDryRun(storage, root, RetryPolicy.DEFAULT, refusals);
  }

  private static Location at(Path p) {
    return Location.parse(p.toUri().toString());
  }

  @Test
  void aReadOnlyStoreIsRefused() {
    assertThatThrownBy(() -> usable(Location.parse("https://example.invalid/export/")))
        .isInstanceOf(InvalidExportException.class)
        .hasMessage(
            "cannot export to https://example.invalid/export/: the http store cannot write there"
                + " (it is read-only)");
  }

  @Test
  void aLocalRootThatIsOrGoesThroughAFileIsRefused() throws IOException {
    Path file = Files.writeString(dir.resolve("f"), "x");
    assertThatThrownBy(() -> usable(at(file)))
        .isInstanceOf(InvalidExportException.class)
        .hasMessageEndingWith(": it is a file, not a directory");
    assertThatThrownBy(() -> usable(at(file.resolve("a/b"))))
        .isInstanceOf(InvalidExportException.class)
        .hasMessageEndingWith(
            ": its path goes through " + file + ", which is a file, not a directory");
  }

  /**
   * A directory this process may not write in, by its permissions or, for root, which they do not
   * stop, by the immutable attribute: refused, naming it; a dry run, which writes nothing, goes on.
   */
  @Test
  void aLocalRootThatCannotBeWrittenIsRefusedButForADryRun() throws Exception {
    Path locked = Files.createDirectory(dir.resolve("locked"));
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
    boolean immutable = false;
    try {
      if (Files.isWritable(locked)) {
        immutable = new ProcessBuilder("chattr", "+i", locked.toString()).start().waitFor() == 0;
      }
      assumeFalse(Files.isWritable(locked), "no way to make a directory unwritable here");
      assertThatThrownBy(() -> usable(at(locked)))
          .isInstanceOf(InvalidExportException.class)
          .hasMessageEndingWith(
              ": the directory is not writable here (its permissions, or a read-only or"
                  + " immutable file system)");
      assertThatThrownBy(() -> usable(at(locked.resolve("a/b"))))
          .isInstanceOf(InvalidExportException.class)
          .hasMessageContaining(": its directory cannot be made: " + locked + " is not writable");
      var refusals = new RunRefusals();
      assertThat(forDryRun(at(locked.resolve("a/b")), refusals)).isNotNull();
      assertThat(locked.resolve("a")).doesNotExist();
      assertThat(refusals.said())
          .startsWith("a run now would be refused: cannot export to ")
          .contains(": its directory cannot be made: " + locked + " is not writable");
    } finally {
      if (immutable) {
        new ProcessBuilder("chattr", "-i", locked.toString()).start().waitFor();
      }
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  /** Keys are names on an object store: x//y and x/./y are other keys than x/y. */
  @Test
  void anObjectStoreRootWithAnEmptyOrDotSegmentIsRefusedByName() {
    for (String root : List.of("s3://b/x//", "s3://b/x/./y/", "gs://b/x/../y", "s3://b/x//y")) {
      assertThatThrownBy(() -> usable(Location.parse(root)))
          .as(root)
          .isInstanceOf(InvalidExportException.class)
          .hasMessageStartingWith("cannot export to " + root + ": its path holds ")
          .hasMessageContaining("write the path without it");
      assertThatThrownBy(() -> forDryRun(Location.parse(root), new RunRefusals()))
          .as(root)
          .isInstanceOf(InvalidExportException.class);
    }
    // One slash at the end names a prefix: past this check (no S3 store on this class path).
    assertThatThrownBy(() -> usable(Location.parse("s3://b/x/")))
        .hasMessageNotContaining("its path holds");
  }

  @Test
  void aLocalRootIsMadeExceptForADryRun() {
    Path root = dir.resolve("x/y");
    var refusals = new RunRefusals();
    forDryRun(at(root), refusals);
    assertThat(root).doesNotExist();
    assertThat(refusals.said()).isEmpty();
    assertThat(usable(at(root))).isNotNull();
    assertThat(root).isDirectory();
  }
}
