package io.lakeexporter.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.lakeexporter.storage.EveryRequestRefusedException;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectInfo;
import io.lakeexporter.storage.ObjectMetadata;
import io.lakeexporter.storage.RequestRefusedException;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.testing.FaultProxy;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/** S3 behaviour beyond the contract, against S3Proxy, with thresholds lowered to cross them. */
class S3ObjectStoreTest {

  private static final int MIB = 1 << 20;
  private static S3ObjectStore store;
  private static final String BUCKET = "s3-specific";

  @BeforeAll
  static void start() {
    S3ProxyServer.shared().createBucket(BUCKET);
    S3ProxyServer.shared().createBucket(BUCKET + "-other");
    StorageSettings settings =
        S3ProxyServer.shared()
            .settings()
            .overlay(
                StorageSettings.of(
                    Map.of(
                        "s3.multipart.threshold", "6MiB",
                        "s3.multipart.part-size", "5MiB",
                        "s3.copy.multipart-threshold", "7MiB",
                        "s3.copy.part-size", "5MiB")));
    store = new S3ObjectStore(settings);
  }

  @AfterAll
  static void stop() {
    store.close();
  }

  private static Location at(String key) {
    return TestObjects.freshLocation(BUCKET, key);
  }

  private static byte[] random(int size) {
    return TestObjects.randomBytes(size);
  }

  private static byte[] readAll(Location l) throws IOException {
    try (InputStream in = store.read(l, 0, -1)) {
      return in.readAllBytes();
    }
  }

  @Test
  void writesAboveTheThresholdAreMultipartAndKeepMetadata() throws IOException {
    byte[] data = random(13 * MIB + 77);
    Location l = at("large.bin");
    var md =
        new ObjectMetadata(
            "application/x-parquet", Map.of("lakefs-checksum", "abc", "owner", "me"));
    store.write(l, new ByteArrayInputStream(data), data.length, md);
    ObjectInfo info = store.stat(l);
    assertThat(info.size()).isEqualTo(data.length);
    assertThat(info.etag()).as("multipart ETags end in -<parts>").endsWith("-3");
    assertThat(info.metadata().contentType()).isEqualTo("application/x-parquet");
    assertThat(info.metadata().userMetadata())
        .containsEntry("lakefs-checksum", "abc")
        .containsEntry("owner", "me");
    assertThat(readAll(l)).isEqualTo(data);
  }

  @Test
  void aMultipartWriteWhoseSourceIsShortIsAbortedAndLeavesNothing() {
    byte[] data = random(8 * MIB);
    Location l = at("short.bin");
    assertThatThrownBy(
            () -> store.write(l, new ByteArrayInputStream(data), 12L * MIB, ObjectMetadata.EMPTY))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("ended after");
    assertThatThrownBy(() -> store.stat(l)).isInstanceOf(FileNotFoundException.class);
    assertThat(
            S3ProxyServer.shared()
                .admin()
                .listMultipartUploads(b -> b.bucket(BUCKET).prefix(l.path()))
                .uploads())
        .isEmpty();
  }

  @Test
  void aSourceLongerThanDeclaredIsRefused() {
    Location l = at("long.bin");
    assertThatThrownBy(
            () -> store.write(l, new ByteArrayInputStream(new byte[100]), 50, ObjectMetadata.EMPTY))
        .hasMessageContaining("more than");
  }

  /**
   * An export cut off leaves its multipart uploads open (billed until a lifecycle rule ends them):
   * those under the root started while its lease held are aborted; one started outside that time,
   * or outside the root, stays.
   */
  @Test
  void leftoverUploadsUnderARootStartedInTheTimeGivenAreAborted() throws IOException {
    Location base = at("");
    Location root = base.child("leftovers");
    Location inside = base.child("leftovers/t/part-0.parquet");
    Location beside = base.child("leftovers-not/part-0.parquet");
    var a = store.startMultipart(inside, 12L * MIB, 6L * MIB, ObjectMetadata.EMPTY);
    var b = store.startMultipart(beside, 12L * MIB, 6L * MIB, ObjectMetadata.EMPTY);
    Instant now = Instant.now();

    assertThat(
            store.removeLeftovers(root, now.plusSeconds(3_600), now.plusSeconds(7_200), l -> false))
        .as("started before that time")
        .isZero();
    assertThat(
            store.removeLeftovers(
                root, now.minusSeconds(3_600), now.plusSeconds(3_600), inside::equals))
        .as("spared")
        .isZero();
    assertThat(uploadsAt(inside)).hasSize(1);

    assertThat(
            store.removeLeftovers(
                root, now.minusSeconds(3_600), now.plusSeconds(3_600), l -> false))
        .isEqualTo(1);
    assertThat(uploadsAt(inside)).isEmpty();
    assertThat(uploadsAt(beside)).hasSize(1);
    b.abort();
    a.abort(); // gone already: harmless
  }

  private static List<MultipartUpload> uploadsAt(Location l) {
    return S3ProxyServer.shared()
        .admin()
        .listMultipartUploads(b -> b.bucket(bucket(l)).prefix(l.path()))
        .uploads();
  }

  private static String bucket(Location l) {
    return l.authority();
  }

  /**
   * A cancelled export interrupts its threads, and the aborts that follow run on them: the SDK
   * refuses to send anything from an interrupted thread, which left the upload and its parts.
   */
  @Test
  void anUploadIsAbortedFromAnInterruptedThreadThatStaysInterrupted() throws IOException {
    Location l = at("interrupted-abort.bin");
    var upload = store.startMultipart(l, 10L * MIB, 5L * MIB, ObjectMetadata.EMPTY);
    upload.writePart(1, new ByteArrayInputStream(random(5 * MIB)), 5L * MIB);
    assertThat(uploadsAt(l)).hasSize(1);

    Thread.currentThread().interrupt();
    try {
      upload.abort();
    } finally {
      assertThat(Thread.interrupted()).as("still interrupted after the abort").isTrue();
    }
    assertThat(uploadsAt(l)).isEmpty();
  }

  @Test
  void aLargeWriteInterruptedMidwayLeavesNoUpload() {
    Location l = at("interrupted-write.bin");
    byte[] data = random(13 * MIB);
    // A source whose reader is cancelled once the second part has begun: how a cancelled export's
    // read of lakeFS ends.
    var cancelledSource =
        new FilterInputStream(new ByteArrayInputStream(data)) {
          private long read;

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            if (read > 6 * MIB) {
              Thread.currentThread().interrupt();
              throw new InterruptedIOException("the export was cancelled");
            }
            int n = super.read(b, off, len);
            read += Math.max(n, 0);
            return n;
          }
        };
    try {
      assertThatThrownBy(() -> store.write(l, cancelledSource, data.length, ObjectMetadata.EMPTY))
          .isInstanceOf(IOException.class)
          .satisfies(e -> assertThat(e.getSuppressed()).as("the abort did not fail").isEmpty());
    } finally {
      assertThat(Thread.interrupted()).isTrue();
    }
    assertThat(uploadsAt(l)).isEmpty();
    assertThatThrownBy(() -> store.stat(l)).isInstanceOf(FileNotFoundException.class);
  }

  /**
   * A copy in parts whose caller is interrupted while the parts are copied: the upload is aborted
   * all the same. One part at a time, so that the interrupt finds the copy under way.
   */
  @Test
  void aCopyInPartsInterruptedMidwayLeavesNoUpload() throws Exception {
    Location source = at("interrupted-copy-source.bin");
    int size = 60 * MIB;
    store.write(source, new ByteArrayInputStream(random(size)), size, ObjectMetadata.EMPTY);
    StorageSettings oneAtATime =
        S3ProxyServer.shared()
            .settings()
            .overlay(
                StorageSettings.of(
                    Map.of(
                        "s3.copy.multipart-threshold", "7MiB",
                        "s3.copy.part-size", "5MiB",
                        "s3.copy.concurrency", "1")));
    try (var copier = new S3ObjectStore(oneAtATime)) {
      Location dest = at("interrupted-copy.bin");
      var failure = new AtomicReference<Throwable>();
      var stillInterrupted = new AtomicBoolean();
      Thread copying =
          new Thread(
              () -> {
                try {
                  copier.copyServerSide(source, dest, size, ObjectMetadata.EMPTY);
                } catch (IOException | RuntimeException e) {
                  failure.set(e);
                }
                stillInterrupted.set(Thread.currentThread().isInterrupted());
              });
      copying.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (uploadsAt(dest).isEmpty() && copying.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(2);
      }
      copying.interrupt();
      copying.join(30_000);

      assertThat(failure.get())
          .as("interrupted while its parts were copied")
          .isInstanceOf(InterruptedIOException.class);
      assertThat(failure.get().getSuppressed()).as("the abort did not fail").isEmpty();
      assertThat(stillInterrupted).isTrue();
      assertThat(uploadsAt(dest)).isEmpty();
      assertThatThrownBy(() -> store.stat(dest)).isInstanceOf(FileNotFoundException.class);
    }
  }

  /**
   * An interrupt while S3 makes a copy's multipart upload, before its answer with the upload's id
   * arrives: the upload is aborted all the same, where the id was lost with the answer and the
   * upload stayed, out of any export's reach.
   */
  @Test
  void anUploadMadeAsItsCopyIsInterruptedIsAbortedAllTheSame() throws Exception {
    Location source = at("interrupted-start-source.bin");
    int size = 12 * MIB;
    store.write(source, new ByteArrayInputStream(random(size)), size, ObjectMetadata.EMPTY);
    try (var proxy = FaultProxy.to(S3ProxyServer.shared().endpoint())) {
      StorageSettings throughProxy =
          S3ProxyServer.shared()
              .settings()
              .overlay(
                  StorageSettings.of(
                      Map.of(
                          "s3.endpoint", proxy.url(),
                          "s3.copy.multipart-threshold", "7MiB",
                          "s3.copy.part-size", "5MiB")));
      Predicate<FaultProxy.Request> start =
          FaultProxy.method("POST").and(FaultProxy.targetContains("?uploads"));
      proxy.on(start, 1, new FaultProxy.DelayAnswer(Duration.ofMillis(500)));
      Location dest = at("interrupted-start.bin");
      var failure = new AtomicReference<Throwable>();
      try (var copier = new S3ObjectStore(throughProxy)) {
        Thread copying =
            new Thread(
                () -> {
                  try {
                    copier.copyServerSide(source, dest, size, ObjectMetadata.EMPTY);
                  } catch (IOException | RuntimeException e) {
                    failure.set(e);
                  }
                });
        copying.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (proxy.count(start) == 0 && System.nanoTime() < deadline) {
          Thread.sleep(1);
        }
        copying.interrupt(); // S3 has made the upload; its answer is held back
        copying.join(30_000);
      }
      assertThat(failure.get()).isInstanceOf(InterruptedIOException.class);
      assertThat(proxy.count(FaultProxy.method("DELETE"))).as("the upload aborted").isEqualTo(1);
      assertThat(uploadsAt(dest)).isEmpty();
    }
  }

  @Test
  void serverSideCopiesBelowAndAboveTheCopyThreshold() throws IOException {
    var md = new ObjectMetadata("text/csv", Map.of("lakefs-checksum", "c0ffee"));
    for (int size : new int[] {3 * MIB, 12 * MIB + 5}) {
      byte[] data = random(size);
      Location source = at("src-" + size);
      store.write(source, new ByteArrayInputStream(data), size, ObjectMetadata.EMPTY);
      Location dest = Location.parse("s3://" + BUCKET + "-other/copies/" + UUID.randomUUID());
      assertThat(store.canCopyServerSide(source, dest)).isTrue();
      long[] before = store.serverSideCopyCounts();
      boolean verified = store.copyServerSide(source, dest, size, md);
      long[] after = store.serverSideCopyCounts();
      if (size < 7 * MIB) {
        assertThat(after[0] - before[0]).as("CopyObject").isEqualTo(1);
        assertThat(verified).as("an ETag that is not the lakeFS checksum proves nothing").isFalse();
      } else {
        assertThat(after[1] - before[1]).as("UploadPartCopy").isEqualTo(1);
        assertThat(store.stat(dest).etag()).endsWith("-3");
        assertThat(verified).as("explicit part ranges").isTrue();
      }
      assertThat(readAll(dest)).isEqualTo(data);
      ObjectInfo info = store.stat(dest);
      assertThat(info.metadata().contentType()).isEqualTo("text/csv");
      assertThat(info.metadata().userMetadata()).containsEntry("lakefs-checksum", "c0ffee");
    }
  }

  @Test
  void bucketsOnDifferentEndpointsAreNotCopiedServerSide() {
    var s =
        S3ProxyServer.shared()
            .settings()
            .overlay(
                StorageSettings.of(Map.of("s3.bucket.elsewhere.endpoint", "http://127.0.0.1:1")));
    try (var other = new S3ObjectStore(s)) {
      assertThat(
              other.canCopyServerSide(
                  Location.parse("s3://elsewhere/k"), Location.parse("s3a://" + BUCKET + "/k")))
          .isFalse();
      assertThat(other.canCopyServerSide(Location.parse("s3a://a/k"), Location.parse("s3://b/k")))
          .isTrue();
      assertThat(other.canCopyServerSide(Location.parse("gs://a/k"), Location.parse("s3://b/k")))
          .isFalse();
    }
  }

  @Test
  void presignedUrlsAreReadableWithoutCredentials() throws Exception {
    byte[] data = random(100_000);
    Location l = at("with space+plus%/presigned #1.bin");
    store.write(l, new ByteArrayInputStream(data), data.length, ObjectMetadata.EMPTY);
    Location url = store.presignRead(l, Duration.ofMinutes(5));
    assertThat(url.toString()).doesNotContain("Signature=").contains("<redacted>");
    HttpResponse<byte[]> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url.toUnredactedString()))
                    .header("Range", "bytes=10-19")
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).isEqualTo(206);
    assertThat(response.body()).isEqualTo(Arrays.copyOfRange(data, 10, 20));
  }

  @Test
  void deletesOfMoreThanAThousandKeysGoInBatches() throws IOException {
    String prefix = "many-" + UUID.randomUUID() + "/";
    var locations = new ArrayList<Location>();
    for (int i = 0; i < 1_205; i++) {
      Location l = Location.parse("s3://" + BUCKET + "/" + prefix + i);
      locations.add(l);
    }
    // Writing 1,205 objects one by one is slow; a few suffice to see them go, the rest do not
    // exist.
    for (int i = 0; i < 1_205; i += 200) {
      store.write(locations.get(i), new ByteArrayInputStream(new byte[1]), 1, ObjectMetadata.EMPTY);
    }
    assertThat(store.delete(locations)).isEmpty();
    try (var listed = store.list(Location.parse("s3://" + BUCKET + "/" + prefix))) {
      assertThat(listed.count()).isZero();
    }
  }

  /**
   * DeleteObjects names its keys in XML 1.0, which cannot hold control characters but tab, CR and
   * LF: S3 refuses such a batch whole (MalformedXML). A key that XML cannot carry goes alone, the
   * others still in one batch, with and without the fast path.
   */
  @Test
  void keysXmlCannotCarryAreDeletedAndDoNotSinkTheirBatch() throws IOException {
    S3ObjectStore sdkOnly =
        new S3ObjectStore(
            S3ProxyServer.shared()
                .settings()
                .overlay(StorageSettings.of(Map.of("s3.fast-path", "false"))));
    try {
      for (S3ObjectStore s : List.of(store, sdkOnly)) {
        var locations = new ArrayList<Location>();
        for (String key :
            List.of(
                "plain",
                "line\nfeed\r",
                "ctl\u0001x",
                "bell\u0007",
                "nonchar\uFFFE",
                "esc\u001b")) {
          Location l = at("xml/" + key);
          s.write(l, new ByteArrayInputStream(new byte[] {1}), 1, ObjectMetadata.EMPTY);
          locations.add(l);
        }
        assertThat(s.delete(locations)).isEmpty();
        for (Location l : locations) {
          assertThatThrownBy(() -> s.stat(l))
              .as(l.path())
              .isInstanceOf(FileNotFoundException.class);
        }
      }
    } finally {
      sdkOnly.close();
    }
  }

  @Test
  void keysXmlCannotCarryAreListedAsTheyAre() throws IOException {
    Location dir = at("listing/");
    var keys = new ArrayList<String>();
    for (String name : List.of("plain", "ctl\u0001x", "esc\u001b", "line\nfeed\r", "\uFFFE")) {
      Location l = Location.parseAddress(dir + name);
      store.write(l, new ByteArrayInputStream(new byte[] {1}), 1, ObjectMetadata.EMPTY);
      keys.add(l.path());
    }
    assertThat(store.list(dir).map(o -> o.location().path()))
        .containsExactlyInAnyOrderElementsOf(keys);
  }

  @Test
  void aMissingBucketIsNamed() {
    assertThatThrownBy(
            () ->
                store.write(
                    Location.parse("s3://no-such-bucket-x/k"),
                    new ByteArrayInputStream(new byte[1]),
                    1,
                    ObjectMetadata.EMPTY))
        .isInstanceOf(FileNotFoundException.class)
        .hasMessageContaining("bucket 'no-such-bucket-x' does not exist");
  }

  /**
   * {@code s3://bucket} with no key is the bucket itself to S3: a DELETE of it removes an empty
   * bucket, a PUT creates one. Every object operation refuses it before sending anything, on the
   * fast path and through the SDK alike.
   */
  @Test
  void aLocationWithoutAKeyIsRefusedBeforeAnyRequest() throws IOException {
    String bucket = "no-key-" + UUID.randomUUID().toString().substring(0, 8);
    S3ProxyServer.shared().createBucket(bucket);
    Location bare = new Location("s3", bucket, "");
    Location object = Location.parse("s3://" + bucket + "/kept");
    var data = random(1000);
    store.write(object, new ByteArrayInputStream(data), data.length, ObjectMetadata.EMPTY);
    var md = new ObjectMetadata("text/plain", Map.of("lakefs-checksum", "x"));

    try (var sdkOnly =
        new S3ObjectStore(S3ProxyServer.shared().settings().with("s3.fast-path", "false"))) {
      for (S3ObjectStore s : new S3ObjectStore[] {store, sdkOnly}) {
        var refusals =
            new ThrowableAssert.ThrowingCallable[] {
              () -> s.stat(bare),
              () -> s.read(bare, 0, -1).close(),
              () -> s.read(bare, 10, 20).close(),
              () -> s.read(bare, 0, 0).close(),
              () -> s.write(bare, new ByteArrayInputStream(data), data.length, md),
              () -> s.write(bare, new ByteArrayInputStream(new byte[7 * MIB]), 7 * MIB, md),
              () -> s.delete(List.of(bare)),
              () -> s.delete(List.of(object, bare)),
              () -> s.copyServerSide(object, bare, data.length, md),
              () -> s.copyServerSide(bare, at("copy"), data.length, md),
              () -> s.copyServerSide(object, bare, 8 * MIB, md),
              () -> s.startMultipart(bare, 10 * MIB, 5 * MIB, md),
              () -> s.resumeMultipart(bare, "upload-id"),
              () -> s.presignRead(bare, Duration.ofMinutes(1)),
            };
        for (var refusal : refusals) {
          assertThatThrownBy(refusal)
              .isInstanceOf(IllegalArgumentException.class)
              .hasMessageContaining("bucket '" + bucket + "'")
              .hasMessageContaining("no object key");
        }
      }
    }

    S3ProxyServer.shared().admin().headBucket(b -> b.bucket(bucket));
    assertThat(readAll(object)).as("the batch with a bare bucket was not sent").isEqualTo(data);
    try (var listed = store.list(bare)) {
      assertThat(listed.map(info -> info.location().path())).containsExactly("kept");
    }
    assertThat(S3ProxyServer.shared().admin().listMultipartUploads(b -> b.bucket(bucket)).uploads())
        .isEmpty();
  }

  @Test
  void badCredentialsAreAClearErrorWithoutTheSecret() {
    var s =
        S3ProxyServer.shared()
            .settings()
            .overlay(StorageSettings.of(Map.of("s3.secret-access-key", "wrong-secret-value")));
    try (var wrong = new S3ObjectStore(s)) {
      assertThatThrownBy(() -> wrong.stat(Location.parse("s3://" + BUCKET + "/x")))
          .isInstanceOf(RequestRefusedException.class)
          .hasMessageContaining("access denied")
          .hasMessageContaining("credentials for bucket '" + BUCKET + "'")
          .hasMessageNotContaining("wrong-secret-value");
    }
  }

  /** Credentials S3 takes for no request are told apart, before anything is copied with them. */
  @Test
  void requireBucketTellsCredentialsTheStoreDoesNotTake() {
    // A setting with a wrong value, and the code S3 answers it with.
    List<List<String>> cases =
        List.of(
            List.of("s3.secret-access-key", "wrong-secret-value", "SignatureDoesNotMatch"),
            List.of("s3.access-key-id", "AKIAUNKNOWNKEY", "InvalidAccessKeyId"));
    for (List<String> c : cases) {
      var s =
          S3ProxyServer.shared().settings().overlay(StorageSettings.of(Map.of(c.get(0), c.get(1))));
      try (var refused = new S3ObjectStore(s)) {
        assertThatThrownBy(() -> refused.requireBucket(Location.parse("s3://" + BUCKET + "/x/")))
            .as(c.get(0))
            .isInstanceOf(EveryRequestRefusedException.class)
            .hasMessageContaining(" refused the credentials for bucket '" + BUCKET + "' (403 ")
            .hasMessageContaining(c.get(2))
            .hasMessageNotContaining("wrong-secret-value");
      }
    }
  }

  /** No credentials found, or no region to sign for: every request would fail, so does this. */
  @Test
  void requireBucketTellsSettingsThatNoRequestCanGoWithout() throws IOException {
    Location root = Location.parse("s3://" + BUCKET + "/x/");
    try (var hidden = S3ProxyServer.noDefaultCredentials();
        var none = new S3ObjectStore(S3ProxyServer.shared().settingsWithoutKeys())) {
      assertThat(System.getenv("AWS_ACCESS_KEY_ID")).as("a build without AWS variables").isNull();
      assertThatThrownBy(() -> none.requireBucket(root))
          .isInstanceOf(EveryRequestRefusedException.class)
          .hasMessageEndingWith(S3ObjectStore.NO_CREDENTIALS);
    }
    var noRegion = new HashMap<String, String>();
    noRegion.put("s3.access-key-id", S3ProxyServer.ACCESS_KEY);
    noRegion.put("s3.secret-access-key", S3ProxyServer.SECRET_KEY);
    try (var hidden = S3ProxyServer.noDefaultCredentials();
        var unsigned = new S3ObjectStore(StorageSettings.of(noRegion))) {
      assertThat(System.getenv("AWS_REGION")).as("a build without AWS variables").isNull();
      assertThatThrownBy(() -> unsigned.requireBucket(root))
          .isInstanceOf(EveryRequestRefusedException.class)
          .hasMessageContaining("no AWS region found; set s3.region");
    }
  }

  @Test
  void noCredentialsAnywhereSaysWhatToSetOnBothPaths() throws IOException {
    try (var hidden = S3ProxyServer.noDefaultCredentials()) {
      assertThat(System.getenv("AWS_ACCESS_KEY_ID")).as("a build without AWS variables").isNull();
      for (String fast : List.of("true", "false")) {
        var settings =
            S3ProxyServer.shared()
                .settingsWithoutKeys()
                .overlay(StorageSettings.of(Map.of("s3.fast-path", fast)));
        try (var none = new S3ObjectStore(settings)) {
          Location l = Location.parse("s3://" + BUCKET + "/x");
          assertThatThrownBy(() -> none.read(l, 0, 10).close())
              .as("fast path " + fast)
              .isInstanceOf(RequestRefusedException.class)
              .hasMessageStartingWith("cannot ")
              .hasMessageContaining(l.toString())
              .hasMessageEndingWith(S3ObjectStore.NO_CREDENTIALS);
        }
      }
    }
  }

  @Test
  void aCopyWhoseEtagIsTheLakeFsChecksumNeedsNoSizeCheck() throws Exception {
    byte[] data = random(70_000);
    Location source = at("checksummed.bin");
    store.write(source, new ByteArrayInputStream(data), data.length, ObjectMetadata.EMPTY);
    String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
    Location dest = at("checksummed-copy.bin");
    var matching = new ObjectMetadata("", Map.of(ObjectMetadata.LAKEFS_CHECKSUM_KEY, md5));
    assertThat(store.copyServerSide(source, dest, data.length, matching)).isTrue();
    var other = new ObjectMetadata("", Map.of(ObjectMetadata.LAKEFS_CHECKSUM_KEY, "0".repeat(32)));
    assertThat(store.copyServerSide(source, dest, data.length, other)).isFalse();
    assertThat(readAll(dest)).isEqualTo(data);
  }

  /**
   * An endpoint may carry a user name and password (a proxy's); messages name the endpoint, never
   * its password, on the fast path and through the SDK alike.
   */
  @Test
  void messagesNameTheEndpointWithoutThePasswordOfItsUserInfo() {
    String endpoint = S3ProxyServer.shared().endpoint().replace("://", "://proxy:PW-CANARY@");
    Location missing = at("missing.bin");
    for (String fastPath : List.of("true", "false")) {
      try (var withPassword =
          new S3ObjectStore(
              S3ProxyServer.shared()
                  .settings()
                  .overlay(
                      StorageSettings.of(
                          Map.of(
                              "s3.endpoint", endpoint,
                              "s3.secret-access-key", "wrong-secret",
                              "s3.fast-path", fastPath))))) {
        for (var failing :
            List.<ThrowableAssert.ThrowingCallable>of(
                () -> withPassword.read(missing, 0, -1).close(),
                () -> withPassword.stat(missing))) {
          assertThatThrownBy(failing)
              .as("fast path " + fastPath)
              .isInstanceOf(IOException.class)
              .hasMessageNotContaining("PW-CANARY")
              .hasMessageNotContaining("wrong-secret")
              .hasMessageContaining(missing.toString())
              .hasMessageContaining("proxy:<redacted>@127.0.0.1");
        }
      }
    }
  }

  /**
   * A bucket that does not exist is told from one that does on both paths (one GET on the
   * exporter's own, a listing page through the SDK), under a prefix and at the bucket's root.
   */
  @Test
  void requireBucketTellsAMissingBucketOnBothPaths() throws IOException {
    for (String fastPath : List.of("true", "false")) {
      try (var s3 =
          new S3ObjectStore(S3ProxyServer.shared().settings().with("s3.fast-path", fastPath))) {
        s3.requireBucket(Location.parse("s3://" + BUCKET + "/export/"));
        s3.requireBucket(Location.parse("s3://" + BUCKET));
        for (String missing : List.of("s3://no-such-bucket-r/export/", "s3://no-such-bucket-r")) {
          assertThatThrownBy(() -> s3.requireBucket(Location.parse(missing)))
              .as("fast path %s, %s", fastPath, missing)
              .isInstanceOf(FileNotFoundException.class)
              .hasMessageContaining("bucket 'no-such-bucket-r' does not exist");
        }
      }
    }
  }

  /** A request through the SDK that an interrupt stops is an interrupt to the caller too. */
  @Test
  void anSdkRequestStoppedByAnInterruptIsAnInterruptedIoException() throws IOException {
    try (var sdkOnly =
        new S3ObjectStore(S3ProxyServer.shared().settings().with("s3.fast-path", "false"))) {
      Location object = at("interrupted-stat");
      Thread.currentThread().interrupt();
      try {
        assertThatThrownBy(() -> sdkOnly.stat(object))
            .isInstanceOf(InterruptedIOException.class)
            .hasMessageContaining("interrupted");
      } finally {
        Thread.interrupted();
      }
    }
  }

  /**
   * A bucket's own host name that does not resolve points at the path-style setting. (The SDK
   * addresses an IP endpoint by path whatever the setting; the exporter's own path does not.)
   */
  @Test
  void aBucketHostThatDoesNotResolveNamesThePathStyleSetting() throws IOException {
    try (var virtualHosted =
        new S3ObjectStore(
            S3ProxyServer.shared().settings().with("s3.path-style-access", "false"))) {
      Location object = Location.parse("s3://" + BUCKET + "/key");
      assertThatThrownBy(
              () ->
                  virtualHosted.write(
                      object, new ByteArrayInputStream(new byte[1]), 1, ObjectMetadata.EMPTY))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("is not known")
          .hasMessageContaining("set s3.path-style-access=true");
      // The destination's check, which tells a store that cannot be reached, says it the same.
      assertThatThrownBy(
              () -> virtualHosted.requireBucket(Location.parse("s3://" + BUCKET + "/x/")))
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("cannot reach s3://" + BUCKET + "/x/ ")
          .hasMessageContaining("is not known")
          .hasMessageContaining("set s3.path-style-access=true");
    }
  }

  /**
   * Java's resolver names only the host, or nothing: the message says the name does not resolve.
   */
  @Test
  void anEndpointWhoseHostDoesNotResolveIsNamed() throws IOException {
    for (String fastPath : List.of("true", "false")) {
      try (var unknown =
          new S3ObjectStore(
              S3ProxyServer.shared()
                  .settings()
                  .with("s3.endpoint", "http://nosuchhost.invalid:9000")
                  .with("s3.fast-path", fastPath))) {
        Location object = Location.parse("s3://bucket/key");
        assertThatThrownBy(
                () ->
                    unknown.write(
                        object, new ByteArrayInputStream(new byte[1]), 1, ObjectMetadata.EMPTY))
            .isInstanceOf(IOException.class)
            .hasMessageStartingWith(
                "cannot write s3://bucket/key (endpoint http://nosuchhost.invalid:9000): ")
            .hasMessageEndingWith("is not known (the name does not resolve)");
      }
    }
  }

  /**
   * A server that is not S3 answers 404 to a listing: it is named as such, not as a missing key.
   */
  @Test
  void aListingAnsweredByAServerThatIsNotS3SaysSo() throws IOException {
    var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] page = "<html>not found</html>".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "text/html");
          exchange.sendResponseHeaders(404, page.length);
          exchange.getResponseBody().write(page);
          exchange.close();
        });
    server.start();
    String endpoint = "http://127.0.0.1:" + server.getAddress().getPort();
    try (var notS3 =
        new S3ObjectStore(S3ProxyServer.shared().settings().with("s3.endpoint", endpoint))) {
      Location root = Location.parse("s3://bucket/export/");
      assertThatThrownBy(
              () -> {
                // The first page comes with the call, later ones as the stream is read.
                try (var objects = notS3.list(root)) {
                  objects.findFirst();
                } catch (UncheckedIOException e) {
                  throw e.getCause();
                }
              })
          .isInstanceOf(FileNotFoundException.class)
          .hasMessage(
              "cannot list s3://bucket/export/ (endpoint "
                  + endpoint
                  + "): the endpoint answered 404 without an S3 error code; is it an S3 endpoint?");
    } finally {
      server.stop(0);
    }
  }
}
