package io.lakeexporter.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectInfo;
import io.lakeexporter.storage.ObjectMetadata;
import io.lakeexporter.storage.RequestRefusedException;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.storage.s3.wire.Http11Client;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fast path against S3Proxy, checked through the SDK: what it copies and reads must be what the
 * SDK sees, for keys and metadata that need encoding, and its refusals must read like the SDK's.
 */
class S3FastPathTest {

  private static final String BUCKET = "fast-path";
  private static S3ObjectStore sdkOnly;
  private static S3ObjectStore fast;
  private static Http11Client http;
  private static S3FastPath path;

  @BeforeAll
  static void start() {
    S3ProxyServer.shared().createBucket(BUCKET);
    StorageSettings settings = S3ProxyServer.shared().settings();
    sdkOnly = new S3ObjectStore(settings.with("s3.fast-path", "false"));
    fast = new S3ObjectStore(settings);
    http = new Http11Client(Duration.ofSeconds(5), Duration.ofSeconds(30), 8);
    S3ClientSettings s = S3ClientSettings.forBucket(settings, BUCKET);
    path = S3FastPath.of(s, S3Clients.credentials(s), http).orElseThrow();
  }

  @AfterAll
  static void stop() {
    sdkOnly.close();
    fast.close();
    http.close();
  }

  private static Location at(String key) {
    return TestObjects.freshLocation(BUCKET, key);
  }

  private static byte[] random(int size) {
    return TestObjects.randomBytes(size);
  }

  private static byte[] read(S3ObjectStore store, Location l, long offset, long length)
      throws IOException {
    try (InputStream in = store.read(l, offset, length)) {
      return in.readAllBytes();
    }
  }

  @Test
  void copiesAndReadsKeysThatNeedEncodingAsTheSdkSeesThem() throws IOException {
    byte[] data = random(40_000);
    for (String key :
        new String[] {"plain.bin", "a b/c+d=e%f~g's(1).bin", "d\u00e9j\u00e0/\u00fc.parquet"}) {
      Location source = at("src/" + key);
      sdkOnly.write(source, new ByteArrayInputStream(data), data.length, ObjectMetadata.EMPTY);
      Location dest = at("dst/" + key);
      var md = new ObjectMetadata("text/csv", Map.of("lakefs-checksum", "c0ffee", "Owner", "me"));
      String etag =
          path.copyObject(
              BUCKET, source.path(), BUCKET, dest.path(), "text/csv", md.userMetadata());

      ObjectInfo info = sdkOnly.stat(dest);
      assertThat(info.size()).isEqualTo(data.length);
      assertThat(info.etag()).isEqualTo(etag);
      assertThat(info.metadata().contentType()).isEqualTo("text/csv");
      assertThat(info.metadata().userMetadata())
          .containsEntry("lakefs-checksum", "c0ffee")
          .containsEntry("owner", "me");
      assertThat(read(fast, dest, 0, -1)).isEqualTo(data);
      assertThat(read(fast, dest, 100, 1000)).isEqualTo(Arrays.copyOfRange(data, 100, 1100));
      assertThat(read(fast, dest, 39_990, -1)).isEqualTo(Arrays.copyOfRange(data, 39_990, 40_000));
    }
  }

  @Test
  void aCopyReturnsTheMd5EtagTheStoreUsesToSkipTheSizeCheck() throws Exception {
    byte[] data = random(12_345);
    Location source = at("checksummed");
    sdkOnly.write(source, new ByteArrayInputStream(data), data.length, ObjectMetadata.EMPTY);
    String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
    var matching = new ObjectMetadata("", Map.of(ObjectMetadata.LAKEFS_CHECKSUM_KEY, md5));
    long before = http.connectionsOpened();
    assertThat(fast.copyServerSide(source, at("copy"), data.length, matching)).isTrue();
    var other = new ObjectMetadata("", Map.of(ObjectMetadata.LAKEFS_CHECKSUM_KEY, "0".repeat(32)));
    assertThat(fast.copyServerSide(source, at("copy"), data.length, other)).isFalse();
    assertThat(http.connectionsOpened()).as("the store has its own client").isEqualTo(before);
  }

  @Test
  void metadataHttpCannotCarryGoesThroughTheSdk() throws IOException {
    byte[] data = random(1000);
    Location source = at("src");
    sdkOnly.write(source, new ByteArrayInputStream(data), data.length, ObjectMetadata.EMPTY);
    var md = new ObjectMetadata("text/plain", Map.of("lakefs-checksum", "x", "note", "caf\u00e9"));
    assertThat(S3FastPath.carries("text/plain", md.userMetadata())).isFalse();
    Location dest = at("dst");
    fast.copyServerSide(source, dest, data.length, md);
    assertThat(read(sdkOnly, dest, 0, -1)).isEqualTo(data);
    assertThat(sdkOnly.stat(dest).metadata().userMetadata()).containsKey("note");
  }

  @Test
  void metadataWithRunsOfSpacesIsWrittenAndCopiedOnTheFastPath() throws IOException {
    byte[] data = random(2000);
    var md = new ObjectMetadata("text/plain", Map.of("note", "two  spaces,   three"));
    assertThat(S3FastPath.carries("text/plain", md.userMetadata())).isTrue();
    Location written = at("spaced");
    fast.write(written, new ByteArrayInputStream(data), data.length, md);
    Location copied = at("spaced-copy");
    fast.copyServerSide(written, copied, data.length, md);
    Location throughTheSdk = at("spaced-sdk");
    sdkOnly.write(throughTheSdk, new ByteArrayInputStream(data), data.length, md);

    for (Location l : new Location[] {written, copied}) {
      assertThat(read(sdkOnly, l, 0, -1)).isEqualTo(data);
      assertThat(sdkOnly.stat(l).metadata().userMetadata())
          .isEqualTo(sdkOnly.stat(throughTheSdk).metadata().userMetadata());
    }
  }

  @Test
  void smallWritesAndSingleDeletesAsTheSdkSeesThem() throws IOException {
    byte[] data = random(5000);
    Location l = at("a b/small+1.json");
    var md = new ObjectMetadata("application/json", Map.of("lakefs-checksum", "x1"));
    fast.write(l, new ByteArrayInputStream(data), data.length, md);
    assertThat(read(sdkOnly, l, 0, -1)).isEqualTo(data);
    ObjectInfo info = sdkOnly.stat(l);
    assertThat(info.metadata().contentType()).isEqualTo("application/json");
    assertThat(info.metadata().userMetadata()).containsEntry("lakefs-checksum", "x1");

    Location empty = at("empty");
    fast.write(empty, InputStream.nullInputStream(), 0, ObjectMetadata.EMPTY);
    assertThat(sdkOnly.stat(empty).size()).isZero();

    assertThatThrownBy(
            () ->
                fast.write(at("short"), new ByteArrayInputStream(data), 6000, ObjectMetadata.EMPTY))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(
            () ->
                fast.write(at("long"), new ByteArrayInputStream(data), 4000, ObjectMetadata.EMPTY))
        .hasMessageContaining("holds more than the declared 4000 bytes");

    assertThat(fast.delete(List.of(l))).isEmpty();
    assertThatThrownBy(() -> sdkOnly.stat(l)).isInstanceOf(FileNotFoundException.class);
    assertThat(fast.delete(List.of(l))).as("already gone").isEmpty();
    // S3 answers a delete in a missing bucket with NoSuchBucket (thrown); S3Proxy answers 204.
  }

  @Test
  void refusalsReadLikeTheSdks() throws IOException {
    Location missing = at("missing.bin");
    Location dest = at("dest.bin");
    var md = new ObjectMetadata("", Map.of("lakefs-checksum", "x"));
    for (S3ObjectStore store : new S3ObjectStore[] {fast, sdkOnly}) {
      assertThatThrownBy(() -> store.copyServerSide(missing, dest, 10, md))
          .isInstanceOf(FileNotFoundException.class)
          .hasMessageContaining("no object at " + missing)
          .hasMessageContaining("to copy to " + dest);
    }
    assertThatThrownBy(() -> read(fast, missing, 0, -1))
        .isInstanceOf(FileNotFoundException.class)
        .hasMessageContaining("no object at " + missing);
    assertThatThrownBy(() -> read(fast, Location.parse("s3://no-such-bucket-y/k"), 0, -1))
        .isInstanceOf(FileNotFoundException.class)
        .hasMessageContaining("bucket 'no-such-bucket-y' does not exist");

    byte[] data = random(100);
    Location small = at("small");
    sdkOnly.write(small, new ByteArrayInputStream(data), data.length, ObjectMetadata.EMPTY);
    assertThat(read(fast, small, 100, 10)).as("a range at the end").isEmpty();

    var wrong =
        S3ProxyServer.shared()
            .settings()
            .overlay(StorageSettings.of(Map.of("s3.secret-access-key", "wrong-secret-value")));
    try (var store = new S3ObjectStore(wrong)) {
      assertThatThrownBy(() -> store.copyServerSide(small, dest, 100, md))
          .isInstanceOf(RequestRefusedException.class)
          .hasMessageContaining("access denied to copy")
          .hasMessageContaining("credentials for bucket '" + BUCKET + "'")
          .hasMessageNotContaining("wrong-secret-value")
          .hasMessageNotContaining("Signature=");
      assertThatThrownBy(() -> read(store, small, 0, -1))
          .isInstanceOf(RequestRefusedException.class)
          .hasMessageContaining("access denied to read");
    }
  }

  /** A cancelled export's reads stop as interrupted, which the engine does not try again. */
  @Test
  void aReadFromAnInterruptedThreadFailsAsInterrupted() throws IOException {
    byte[] data = random(3000);
    Location l = at("interrupted");
    sdkOnly.write(l, new ByteArrayInputStream(data), data.length, ObjectMetadata.EMPTY);
    read(fast, l, 0, 10); // a connection in the pool

    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> read(fast, l, 0, -1))
          .isInstanceOf(InterruptedIOException.class)
          .hasMessageStartingWith("cannot read " + l);
    } finally {
      assertThat(Thread.interrupted()).as("still interrupted").isTrue();
    }
    assertThat(read(fast, l, 0, -1)).isEqualTo(data);
  }

  @Test
  void turnedOffOrUnsuitableSettingsHaveNoFastPath() {
    StorageSettings settings = S3ProxyServer.shared().settings();
    try (var clients = new S3Clients(settings.with("s3.fast-path", "false"))) {
      assertThat(clients.fastPath(BUCKET)).isEmpty();
    }
    S3ClientSettings withBasePath =
        S3ClientSettings.forBucket(
            settings.with("s3.endpoint", "http://127.0.0.1:9/prefix"), BUCKET);
    assertThat(S3FastPath.of(withBasePath, S3Clients.credentials(withBasePath), http)).isEmpty();
    assertThat(S3FastPath.addresses("arn:aws:s3:eu-west-1:123:accesspoint/ap")).isFalse();
    assertThat(S3FastPath.addresses("bucket--use1-az4--x-s3")).isFalse();
    assertThat(S3FastPath.addresses("my.dotted.bucket")).isTrue();
    assertThat(S3FastPath.proxied(new Http11Client.Origin(false, "127.0.0.1", 9000))).isFalse();
  }
}
