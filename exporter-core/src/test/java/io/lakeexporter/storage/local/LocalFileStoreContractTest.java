package io.lakeexporter.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectMetadata;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.contract.AbstractObjectStoreContractTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

  @ParameterizedTest(name = "source is a channel: {0}")
  @ValueSource(booleans = {false, true})
  void multipartPartsLandInPlaceAndMisfitPartsAreRefused(boolean channel) throws IOException {
    Location target = at("inplace-" + channel + "/obj.bin");
    byte[] data = randomBytes(2500, 12);
    var upload = store.startMultipart(target, data.length, 1000, ObjectMetadata.EMPTY);
    assertThatThrownBy(() -> upload.writePart(1, source(channel, data, 0, 999), 999))
        .hasMessageContaining("does not fit");
    assertThatThrownBy(() -> upload.writePart(4, source(channel, new byte[1], 0, 1), 1))
        .hasMessageContaining("does not fit");
    assertThatThrownBy(() -> upload.writePart(3, source(channel, data, 2000, 499), 500))
        .hasMessageContaining("got 499 of 500 bytes");
    assertThatThrownBy(() -> upload.writePart(3, source(channel, data, 1999, 501), 500))
        .hasMessageContaining("more than 500 bytes");
    var parts = new java.util.ArrayList<io.lakeexporter.storage.UploadedPart>();
    var resumed = store.resumeMultipart(target, upload.uploadId());
    parts.add(resumed.writePart(3, source(channel, data, 2000, 500), 500));
    parts.add(upload.writePart(1, source(channel, data, 0, 1000), 1000));
    assertThatThrownBy(() -> upload.complete(parts)).hasMessageContaining("part 2");
    parts.add(upload.writePart(2, source(channel, data, 1000, 1000), 1000));
    upload.complete(parts);
    assertThat(Files.readAllBytes(target.toPath())).isEqualTo(data);
    try (var files = Files.list(target.toPath().getParent())) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("obj.bin");
    }
    assertThatThrownBy(() -> store.resumeMultipart(target, ".lakefs-export-not-an-id"))
        .hasMessageContaining("not an upload of this store");
  }

  /** The bytes as a plain stream, or as a stream that is also a channel, a few at a time. */
  private static InputStream source(boolean channel, byte[] data, int offset, int length) {
    var bytes = new ByteArrayInputStream(data, offset, length);
    if (!channel) {
      return bytes;
    }
    return new ChannelStream(bytes);
  }

  private static final class ChannelStream extends InputStream implements ReadableByteChannel {
    private final ByteArrayInputStream bytes;

    ChannelStream(ByteArrayInputStream bytes) {
      this.bytes = bytes;
    }

    @Override
    public int read(ByteBuffer dst) {
      byte[] some = new byte[Math.min(dst.remaining(), 300)];
      int n = bytes.read(some, 0, some.length);
      if (n > 0) {
        dst.put(some, 0, n);
      }
      return n;
    }

    @Override
    public int read() {
      throw new AssertionError("a channel is read as a channel");
    }

    @Override
    public boolean isOpen() {
      return true;
    }
  }
}
