package io.lakeexporter.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.NoCredentials;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.StorageOptions;
import io.lakeexporter.storage.BucketNotFoundException;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.MultipartUpload;
import io.lakeexporter.storage.ObjectInfo;
import io.lakeexporter.storage.ObjectMetadata;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.storage.UnsupportedStoreOperationException;
import io.lakeexporter.storage.UploadedPart;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GCS behaviour beyond the contract, against fake-gcs-server, with thresholds lowered. */
class GcsObjectStoreTest {

  private static final String BUCKET = "gcs-specific";
  private static GcsObjectStore store;

  @BeforeAll
  static void start() throws IOException {
    FakeGcsServer.shared().createBucket(BUCKET);
    store =
        new GcsObjectStore(
            FakeGcsServer.shared()
                .settings()
                .overlay(
                    StorageSettings.of(
                        Map.of(
                            "gcs.upload.threshold",
                            "256KiB",
                            "gcs.compose.min-part-size",
                            "1KiB"))));
  }

  @AfterAll
  static void stop() throws IOException {
    store.close();
  }

  private static Location at(String key) {
    return Location.parse("gs://" + BUCKET + "/" + UUID.randomUUID() + "/" + key);
  }

  private static byte[] random(int size) {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return b;
  }

  private static byte[] readAll(Location l) throws IOException {
    try (InputStream in = store.read(l, 0, -1)) {
      return in.readAllBytes();
    }
  }

  /** A client of the test's own, for what the store does not show or cannot write. */
  private static Storage rawClient() {
    return StorageOptions.http()
        .setHost(FakeGcsServer.shared().endpoint())
        .setProjectId("test-project")
        .setCredentials(NoCredentials.getInstance())
        .build()
        .getService();
  }

  private static long leftovers() throws IOException {
    // list() hides temporary parts from users: count them with a client of the test's own.
    long n = 0;
    for (var b :
        rawClient()
            .list(BUCKET, Storage.BlobListOption.prefix(GcsObjectStore.UPLOADS_PREFIX))
            .iterateAll()) {
      n++;
    }
    return n;
  }

  /**
   * An object named with a leading slash has no location of its own: one drops the slash and names
   * another object. A listing of the bucket's root leaves it out rather than give it as that other
   * object, whose copy it could then stand for.
   */
  @Test
  void aNameWithALeadingSlashIsNotListedAsTheNameWithoutIt() throws IOException {
    String bucket = "slash-" + UUID.randomUUID().toString().substring(0, 8);
    FakeGcsServer.shared().createBucket(bucket);
    Storage raw = rawClient();
    raw.create(BlobInfo.newBuilder(bucket, "/a").build(), new byte[] {1});
    raw.create(BlobInfo.newBuilder(bucket, "b").build(), new byte[] {2});
    try (Stream<ObjectInfo> listed = store.list(Location.parse("gs://" + bucket + "/"))) {
      assertThat(listed.map(i -> i.location().path()).toList()).containsExactly("b");
    }
    assertThatThrownBy(() -> store.stat(Location.parse("gs://" + bucket + "/a")))
        .as("the location the listing would have given")
        .isInstanceOf(FileNotFoundException.class);
  }

  @Test
  void resumableUploadsAboveTheThresholdKeepBytesAndMetadata() throws IOException {
    byte[] data = random(3 << 20);
    Location l = at("large.bin");
    store.write(
        l,
        new ByteArrayInputStream(data),
        data.length,
        new ObjectMetadata("text/csv", Map.of("lakefs-checksum", "abc")));
    assertThat(readAll(l)).isEqualTo(data);
    ObjectInfo info = store.stat(l);
    assertThat(info.metadata().contentType()).isEqualTo("text/csv");
    assertThat(info.metadata().userMetadata()).containsEntry("lakefs-checksum", "abc");
  }

  @Test
  void aResumableUploadWhoseSourceBreaksLeavesNothing() {
    Location l = at("broken.bin");
    assertThatThrownBy(
            () ->
                store.write(
                    l, new ByteArrayInputStream(random(1 << 20)), 2 << 20, ObjectMetadata.EMPTY))
        .hasMessageContaining("ended after");
    assertThatThrownBy(() -> store.stat(l)).isInstanceOf(FileNotFoundException.class);
  }

  @Test
  void compositeUploadsOfMoreThanThirtyTwoPartsLeaveNoTemporaryParts() throws IOException {
    int parts = 70;
    int partSize = 2048;
    byte[] data = random(parts * partSize);
    Location l = at("composed.bin");
    MultipartUpload upload =
        store.startMultipart(
            l, data.length, partSize, new ObjectMetadata("image/png", Map.of("k", "v")));
    var written = new ArrayList<UploadedPart>();
    for (int i = parts; i >= 1; i--) {
      MultipartUpload worker = store.resumeMultipart(l, upload.uploadId());
      written.add(
          worker.writePart(
              i, new ByteArrayInputStream(data, (i - 1) * partSize, partSize), partSize));
    }
    assertThat(leftovers()).isEqualTo(parts);
    upload.complete(written);
    assertThat(readAll(l)).isEqualTo(data);
    assertThat(store.stat(l).metadata().contentType()).isEqualTo("image/png");
    assertThat(store.stat(l).metadata().userMetadata()).containsEntry("k", "v");
    assertThat(leftovers()).isZero();

    MultipartUpload aborted =
        store.startMultipart(at("aborted.bin"), 4096, 2048, ObjectMetadata.EMPTY);
    aborted.writePart(1, new ByteArrayInputStream(new byte[2048]), 2048);
    aborted.abort();
    assertThat(leftovers()).isZero();
  }

  /**
   * The parts of every root's uploads share one prefix at the bucket's root: those a cut-off export
   * left under a root are told from another root's by the target each part names.
   */
  @Test
  void leftoverPartsOfUploadsUnderARootWrittenInTheTimeGivenAreRemoved() throws IOException {
    Location base = at("");
    Location root = base.child("leftovers");
    Location inside = base.child("leftovers/t/part-0.parquet");
    Location beside = base.child("leftovers-not/part-0.parquet");
    MultipartUpload a = store.startMultipart(inside, 4096, 2048, ObjectMetadata.EMPTY);
    MultipartUpload b = store.startMultipart(beside, 4096, 2048, ObjectMetadata.EMPTY);
    for (MultipartUpload upload : List.of(a, b)) {
      for (int part = 1; part <= 2; part++) {
        upload.writePart(part, new ByteArrayInputStream(new byte[2048]), 2048);
      }
    }
    Instant now = Instant.now();
    try {
      assertThat(
              store.removeLeftovers(
                  root, now.plusSeconds(3_600), now.plusSeconds(7_200), l -> false))
          .as("written before that time")
          .isZero();
      assertThat(
              store.removeLeftovers(
                  root, now.minusSeconds(3_600), now.plusSeconds(3_600), inside::equals))
          .as("spared")
          .isZero();
      assertThat(leftovers()).isEqualTo(4);

      assertThat(
              store.removeLeftovers(
                  root, now.minusSeconds(3_600), now.plusSeconds(3_600), l -> false))
          .as("one upload's parts")
          .isEqualTo(1);
      assertThat(leftovers()).as("the other root's upload kept").isEqualTo(2);
    } finally {
      a.abort();
      b.abort();
    }
    assertThat(leftovers()).isZero();
  }

  /**
   * A resumable upload buffers one chunk on the heap: the next 256 KiB unit above its object, never
   * the client's 16 MiB for a part of 5 (16 of those at once ran a 256 MiB heap out), and never the
   * object's own size, which it would fill and send before the end, one request more.
   */
  @Test
  void aResumableUploadBuffersNoMoreThanTheUnitAboveItsObject() {
    int unit = 256 << 10;
    assertThat(GcsObjectStore.chunkFor(1)).isEqualTo(unit);
    assertThat(GcsObjectStore.chunkFor(unit)).isEqualTo(2 * unit);
    assertThat(GcsObjectStore.chunkFor(5L << 20)).isEqualTo((5 << 20) + unit);
    assertThat(GcsObjectStore.chunkFor((5L << 20) - 1)).isEqualTo(5 << 20);
    assertThat(GcsObjectStore.chunkFor(200L << 20)).isEqualTo(GcsObjectStore.MAX_CHUNK);
    assertThat(GcsObjectStore.MAX_CHUNK).isEqualTo(16 << 20);
  }

  @Test
  void copiesInsideGcsUseRewrite() throws IOException {
    byte[] data = random(500_000);
    Location source = at("src.bin");
    store.write(source, new ByteArrayInputStream(data), data.length, ObjectMetadata.EMPTY);
    Location dest = Location.parse("gs://" + BUCKET + "/copies/" + UUID.randomUUID());
    assertThat(store.canCopyServerSide(source, dest)).isTrue();
    long before = store.rewriteCount();
    store.copyServerSide(
        source,
        dest,
        data.length,
        new ObjectMetadata("application/json", Map.of("lakefs-checksum", "x1")));
    assertThat(store.rewriteCount() - before).isEqualTo(1);
    assertThat(readAll(dest)).isEqualTo(data);
    assertThat(store.stat(dest).metadata().userMetadata()).containsEntry("lakefs-checksum", "x1");
    assertThat(store.stat(dest).metadata().contentType()).isEqualTo("application/json");
    assertThat(store.canCopyServerSide(Location.parse("s3://b/k"), dest)).isFalse();
  }

  /**
   * A rewrite's 404 is told apart by the source's presence (fake-gcs-server, like GCS at times,
   * answers "Not Found" for a missing object and a missing bucket alike): a missing source is named
   * as the source, a missing destination bucket as a bucket.
   */
  @Test
  void aCopyNamesWhatIsMissingItsSourceOrTheDestinationBucket() throws IOException {
    Location source = at("present.bin");
    store.write(source, new ByteArrayInputStream(new byte[] {1}), 1, ObjectMetadata.EMPTY);
    Location missing = at("absent-" + UUID.randomUUID());
    assertThatThrownBy(() -> store.copyServerSide(missing, at("copy"), 1, ObjectMetadata.EMPTY))
        .isInstanceOf(FileNotFoundException.class)
        .isNotInstanceOf(BucketNotFoundException.class)
        .hasMessageStartingWith("no object at " + missing);
    Location nowhere = Location.parse("gs://no-such-bucket-" + UUID.randomUUID() + "/copy");
    assertThatThrownBy(() -> store.copyServerSide(source, nowhere, 1, ObjectMetadata.EMPTY))
        .isInstanceOf(BucketNotFoundException.class)
        .hasMessageContaining("bucket '" + nowhere.authority() + "' does not exist");
    assertThatThrownBy(
            () ->
                store.write(
                    nowhere, new ByteArrayInputStream(new byte[] {1}), 1, ObjectMetadata.EMPTY))
        .isInstanceOf(BucketNotFoundException.class)
        .hasMessageContaining("bucket '" + nowhere.authority() + "' does not exist");
  }

  @Test
  void deletesGoInBatchesOfAHundred() throws IOException {
    String prefix = "batch-" + UUID.randomUUID() + "/";
    var locations = new ArrayList<Location>();
    for (int i = 0; i < 250; i++) {
      locations.add(Location.parse("gs://" + BUCKET + "/" + prefix + i));
    }
    for (int i = 0; i < 250; i += 25) {
      store.write(locations.get(i), new ByteArrayInputStream(new byte[1]), 1, ObjectMetadata.EMPTY);
    }
    assertThat(store.maxDeleteBatch()).isEqualTo(100);
    assertThat(store.delete(locations)).isEmpty();
    try (var listed = store.list(Location.parse("gs://" + BUCKET + "/" + prefix))) {
      assertThat(listed.count()).isZero();
    }
  }

  @Test
  void aBatchOfDeletesRemovesWhatExistsAndCountsMissingObjectsAsDeleted() throws IOException {
    Location kept = at("kept");
    store.write(kept, new ByteArrayInputStream(new byte[1]), 1, ObjectMetadata.EMPTY);
    assertThat(store.delete(List.of(kept, at("never-written")))).isEmpty();
    assertThatThrownBy(() -> store.stat(kept)).isInstanceOf(FileNotFoundException.class);
  }

  /**
   * Each delete of a batch answers for itself, and fake-gcs-server answers every failed delete with
   * the same 404: the errors GCS gives (403, 429, 5xx, a missing bucket) go through the
   * classification directly.
   */
  @Test
  void aDeleteThatGcsRefusesIsAFailureAndAMissingObjectIsNot() {
    Location l = Location.parse("gs://bucket-x/t/k");
    assertThat(store.deleteFailure(new StorageException(404, "No such object: bucket-x/t/k"), l))
        .isEmpty();
    assertThat(store.deleteFailure(new StorageException(403, "Forbidden"), l))
        .hasValueSatisfying(
            f -> {
              assertThat(f.location()).isEqualTo(l);
              assertThat(f.reason()).contains("access denied", "gs://bucket-x/t/k");
            });
    assertThat(store.deleteFailure(new StorageException(503, "Backend Error"), l))
        .hasValueSatisfying(f -> assertThat(f.reason()).contains("503"));
    assertThat(
            store.deleteFailure(
                new StorageException(404, "The specified bucket does not exist."), l))
        .hasValueSatisfying(
            f -> assertThat(f.reason()).contains("bucket 'bucket-x' does not exist"));
  }

  @Test
  void presigningWithoutServiceAccountCredentialsIsRefusedAsDocumented() {
    assertThatThrownBy(() -> store.presignRead(at("x"), Duration.ofMinutes(1)))
        .isInstanceOf(UnsupportedStoreOperationException.class)
        .hasMessageContaining("service-account");
  }

  @Test
  void aMissingBucketIsNamed() {
    assertThatThrownBy(
            () ->
                store.write(
                    Location.parse("gs://no-such-bucket-y/k"),
                    new ByteArrayInputStream(new byte[1]),
                    1,
                    ObjectMetadata.EMPTY))
        .isInstanceOf(FileNotFoundException.class)
        .hasMessageContaining("no-such-bucket-y");
  }

  @Test
  void hadoopConnectorKeysAreUnderstood() throws IOException {
    var s =
        StorageSettings.of(
            Map.of(
                "fs.gs.project.id",
                "from-hadoop",
                "gcs.endpoint",
                FakeGcsServer.shared().endpoint(),
                "gcs.no-auth",
                "true"));
    try (var other = new GcsObjectStore(s)) {
      assertThat(other.projectId()).isEqualTo("from-hadoop");
    }
    var both = s.overlay(StorageSettings.of(Map.of("gcs.project-id", "explicit")));
    try (var other = new GcsObjectStore(both)) {
      assertThat(other.projectId()).isEqualTo("explicit");
    }
  }

  /** An endpoint may carry a user name and password; messages name it without the password. */
  @Test
  void messagesNameTheEndpointWithoutThePasswordOfItsUserInfo() throws IOException {
    String endpoint = FakeGcsServer.shared().endpoint().replace("://", "://proxy:PW-CANARY@");
    try (var withPassword =
        new GcsObjectStore(
            FakeGcsServer.shared()
                .settings()
                .overlay(StorageSettings.of(Map.of("gcs.endpoint", endpoint))))) {
      Location missing = Location.parse("gs://" + BUCKET + "/missing-" + UUID.randomUUID());
      assertThatThrownBy(() -> withPassword.stat(missing))
          .isInstanceOf(IOException.class)
          .hasMessageNotContaining("PW-CANARY")
          .hasMessageContaining(missing.toString())
          .hasMessageContaining("proxy:<redacted>@127.0.0.1");
    }
  }

  /**
   * A request that gets no answer is reported by the client as status 0 with no reason; the message
   * says why instead of "0 null".
   */
  @Test
  void anEndpointThatRefusesConnectionsIsNamedWithTheCause() throws IOException {
    int closedPort;
    try (var socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (var unreachable =
        new GcsObjectStore(
            FakeGcsServer.shared()
                .settings()
                .overlay(
                    StorageSettings.of(
                        Map.of(
                            "gcs.endpoint",
                            "http://127.0.0.1:" + closedPort,
                            "gcs.sdk.max-attempts",
                            "1"))))) {
      Location missing = Location.parse("gs://" + BUCKET + "/k");
      assertThatThrownBy(() -> unreachable.stat(missing))
          .isInstanceOf(IOException.class)
          .hasMessage(
              "cannot stat gs://"
                  + BUCKET
                  + "/k (endpoint http://127.0.0.1:"
                  + closedPort
                  + "): the connection was refused (is the server running, on this port?)");
    }
  }
}
