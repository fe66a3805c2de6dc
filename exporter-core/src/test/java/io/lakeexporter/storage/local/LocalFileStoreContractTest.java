package io.lakeexporter.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectMetadata;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.contract.AbstractObjectStoreContractTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalFileStoreContractTest extends AbstractObjectStoreContractTest {

  @TempDir static Path dir;

  private final LocalFileStore store = new LocalFileStore(Path.of("/nonexistent-blockstore"));

  @Override
  protected ObjectStore store() {
    return store;
  }

  @Override
  protected Location baseLocation() {
    return Location.ofPath(dir);
  }

  @Test
  void refusesPathsThatClimbOutOfTheirDirectory() {
    Location escape = new Location("file", "", dir + "/a/../../etc/passwd");
    assertThatThrownBy(
            () ->
                store.write(escape, new ByteArrayInputStream(new byte[1]), 1, ObjectMetadata.EMPTY))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("'..'");
  }

  @Test
  void leavesNoTemporaryFilesBehind() throws IOException {
    put(at("clean/a"), randomBytes(10, 1), ObjectMetadata.EMPTY);
    try (var files = Files.list(root().child("clean/").toPath())) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("a");
    }
  }

  @Test
  void resolvesLakeFsLocalAddressesUnderTheBlockstoreDirectory() throws IOException {
    var blockstore = new LocalFileStore(dir.resolve("blockstore"));
    Location location = Location.parse("local://repo-ns/data/obj");
    blockstore.write(location, new ByteArrayInputStream(new byte[3]), 3, ObjectMetadata.EMPTY);
    assertThat(dir.resolve("blockstore/repo-ns/data/obj")).hasSize(3);
  }
}
