package io.lakeexporter.copy;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeexporter.source.ObjectEntry;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.local.LocalFileStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a filesystem, which keeps no checksum of its own, an object is the same only when its file's
 * MD5 is the lakeFS checksum; anything short of that proof is copied again. The rules a store's
 * ETag and recorded checksum decide are proven against each cloud's server in the integration tests
 * (CloudExportTest).
 */
class IdenticalObjectTest {

  @TempDir Path dir;
  private final LocalFileStore files = new LocalFileStore(Path.of("/nonexistent-blockstore"));

  private Location file(String name, String content) throws IOException {
    Path path = dir.resolve(name);
    Files.writeString(path, content);
    return Location.parse(path.toUri().toString());
  }

  private static ObjectEntry entry(String content, String checksum) {
    return new ObjectEntry(
        "k",
        "local://k",
        content.getBytes(StandardCharsets.UTF_8).length,
        checksum,
        Instant.EPOCH,
        "",
        Map.of());
  }

  private static String md5(String content) throws NoSuchAlgorithmException {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("MD5").digest(content.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aFileWithTheSameBytesIsIdenticalHoweverItsChecksumIsWritten() throws Exception {
    Location at = file("a", "hello");
    String md5 = md5("hello");
    assertThat(IdenticalObject.isAt(files, at, entry("hello", md5))).isTrue();
    assertThat(IdenticalObject.isAt(files, at, entry("hello", md5.toUpperCase()))).isTrue();
    assertThat(IdenticalObject.isAt(files, at, entry("hello", "\"" + md5 + "\""))).isTrue();
  }

  @Test
  void otherBytesOfTheSameSizeAreNotIdentical() throws Exception {
    Location at = file("a", "hellp");
    assertThat(IdenticalObject.isAt(files, at, entry("hello", md5("hello")))).isFalse();
  }

  @Test
  void anotherSizeAMissingFileOrADirectoryAreNotIdentical() throws Exception {
    Location longer = file("a", "hello!");
    assertThat(IdenticalObject.isAt(files, longer, entry("hello", md5("hello")))).isFalse();
    Location missing = Location.parse(dir.resolve("none").toUri().toString());
    assertThat(IdenticalObject.isAt(files, missing, entry("hello", md5("hello")))).isFalse();
    Files.createDirectories(dir.resolve("d"));
    Location directory = Location.parse(dir.resolve("d").toUri().toString());
    assertThat(IdenticalObject.isAt(files, directory, entry("", md5("")))).isFalse();
  }

  @Test
  void aSizeAloneIsNoProof() throws Exception {
    Location at = file("a", "hello");
    // No checksum, or a multipart ETag (the MD5 of the parts' MD5s): the same size proves nothing.
    assertThat(IdenticalObject.isAt(files, at, entry("hello", ""))).isFalse();
    String multipart = md5("hello") + "-2";
    assertThat(IdenticalObject.isAt(files, at, entry("hello", multipart))).isFalse();
  }

  @Test
  void onlyThirtyTwoHexDigitsReadAsAnMd5() {
    assertThat(IdenticalObject.isMd5("d41d8cd98f00b204e9800998ecf8427e")).isTrue();
    assertThat(IdenticalObject.isMd5("D41D8CD98F00B204E9800998ECF8427E")).isTrue();
    assertThat(IdenticalObject.isMd5("d41d8cd98f00b204e9800998ecf8427")).isFalse();
    assertThat(IdenticalObject.isMd5("d41d8cd98f00b204e9800998ecf8427g")).isFalse();
    assertThat(IdenticalObject.isMd5("d41d8cd98f00b204e9800998ecf8427e-1")).isFalse();
    assertThat(IdenticalObject.isMd5("0x8D9A1B2C3D4E5F6")).isFalse();
    assertThat(IdenticalObject.isMd5("d41d8cd98f00b204e9800998ecf8427\u0663"))
        .as("an Arabic-Indic three")
        .isFalse();
  }
}
