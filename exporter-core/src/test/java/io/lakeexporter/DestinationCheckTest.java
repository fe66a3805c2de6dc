package io.lakeexporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.StorageRegistry;
import io.lakeexporter.storage.StorageSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

  private static Location at(Path p) {
    return Location.parse(p.toUri().toString());
  }

  @Test
  void aReadOnlyStoreIsRefused() {
    assertThatThrownBy(
            () ->
                DestinationCheck.usableStore(
                    storage, Location.parse("https://example.invalid/export/"), false))
        .isInstanceOf(InvalidExportException.class)
        .hasMessage(
            "cannot export to https://example.invalid/export/: the http store cannot write there"
                + " (it is read-only)");
  }

  @Test
  void aLocalRootThatIsOrGoesThroughAFileIsRefused() throws IOException {
    Path file = Files.writeString(dir.resolve("f"), "x");
    assertThatThrownBy(() -> DestinationCheck.usableStore(storage, at(file), false))
        .isInstanceOf(InvalidExportException.class)
        .hasMessageEndingWith(": it is a file, not a directory");
    assertThatThrownBy(() -> DestinationCheck.usableStore(storage, at(file.resolve("a/b")), false))
        .isInstanceOf(InvalidExportException.class)
        .hasMessageEndingWith(
            ": its path goes through " + file + ", which is a file, not a directory");
  }

  @Test
  void aLocalRootIsMadeExceptForADryRun() {
    Path root = dir.resolve("x/y");
    DestinationCheck.usableStore(storage, at(root), true);
    assertThat(root).doesNotExist();
    assertThat(DestinationCheck.usableStore(storage, at(root), false)).isNotNull();
    assertThat(root).isDirectory();
  }
}
