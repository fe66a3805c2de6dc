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

  @Test
  void multipartPartsLandInPlaceAndMisfitPartsAreRefused() throws IOException {
    Location target = at("inplace/obj.bin");
    byte[] data = randomBytes(2500, 12);
    var upload = store.startMultipart(target, data.length, 1000, ObjectMetadata.EMPTY);
    assertThatThrownBy(() -> upload.writePart(1, new ByteArrayInputStream(data, 0, 999), 999))
        .hasMessageContaining("does not fit");
    assertThatThrownBy(() -> upload.writePart(4, new ByteArrayInputStream(new byte[1]), 1))
        .hasMessageContaining("does not fit");
    assertThatThrownBy(() -> upload.writePart(3, new ByteArrayInputStream(data, 2000, 499), 500))
        .hasMessageContaining("got 499 of 500 bytes");
    assertThatThrownBy(() -> upload.writePart(3, new ByteArrayInputStream(data, 1999, 501), 500))
        .hasMessageContaining("more than 500 bytes");
    var parts = new java.util.ArrayList<io.lakeexporter.storage.UploadedPart>();
    var resumed = store.resumeMultipart(target, upload.uploadId());
    parts.add(resumed.writePart(3, new ByteArrayInputStream(data, 2000, 500), 500));
    parts.add(upload.writePart(1, new ByteArrayInputStream(data, 0, 1000), 1000));
    assertThatThrownBy(() -> upload.complete(parts)).hasMessageContaining("part 2");
    parts.add(upload.writePart(2, new ByteArrayInputStream(data, 1000, 1000), 1000));
    upload.complete(parts);
    assertThat(Files.readAllBytes(target.toPath())).isEqualTo(data);
    try (var files = Files.list(target.toPath().getParent())) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("obj.bin");
    }
    assertThatThrownBy(() -> store.resumeMultipart(target, ".lakefs-export-not-an-id"))
        .hasMessageContaining("not an upload of this store");
  }
}
