package io.lakeexporter.storage.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.MultipartUpload;
import io.lakeexporter.storage.MultipartWritable;
import io.lakeexporter.storage.ObjectInfo;
import io.lakeexporter.storage.ObjectMetadata;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.ServerSideCopyable;
import io.lakeexporter.storage.StoreCapability;
import io.lakeexporter.storage.UnsupportedStoreOperationException;
import io.lakeexporter.storage.UploadedPart;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link ObjectStore} promises, run by each backend against its real server.
 * Shipped in exporter-core's test-jar.
 *
 * <p>A subclass supplies the store and a root prefix. A backend that lacks an ability says so
 * through {@link ObjectStore#capabilities()} or by not implementing an optional interface; the
 * tests then assert the documented failure instead of skipping.
 */
public abstract class AbstractObjectStoreContractTest {

  /** Keys that break naive URL or path handling. */
  protected static final List<String> UNUSUAL_KEYS =
      List.of(
          "with space/file name.txt",
          "unicode/données-日本語-ß.csv",
          "percent/100%25 and %.txt",
          "plus/a+b+c.txt",
          "hash/part#1.txt",
          "question/what?.txt",
          "equals/k=v&x=y.txt");

  private Location root;

  /** The store under test; the same instance for the whole class is fine. */
  protected abstract ObjectStore store();

  /**
   * A location under which this test class may write freely, such as {@code s3://bucket/contract}.
   * Each test gets a fresh sub-prefix of it.
   */
  protected abstract Location baseLocation();

  /** How many objects the listing test writes; enough to cross the store's page size. */
  protected int listingObjectCount() {
    return 1_100;
  }

  @BeforeEach
  void newRoot() {
    root = baseLocation().child("t-" + UUID.randomUUID() + "/");
  }

  protected final Location root() {
    return root;
  }

  protected final Location at(String key) {
    return root.child(key);
  }

  protected final boolean can(StoreCapability capability) {
    return store().capabilities().contains(capability);
  }

  protected static byte[] randomBytes(int size, long seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }

  protected final void put(Location location, byte[] data, ObjectMetadata metadata)
      throws IOException {
    store().write(location, new ByteArrayInputStream(data), data.length, metadata);
  }

  protected final byte[] readAll(Location location) throws IOException {
    try (InputStream in = store().read(location, 0, -1)) {
      return in.readAllBytes();
    }
  }

  @Test
  void writeThenReadBackTheSameBytes() throws IOException {
    if (!can(StoreCapability.WRITE)) {
      assertWriteRefused();
      return;
    }
    byte[] data = randomBytes(200_000, 1);
    put(at("a/b/object.bin"), data, ObjectMetadata.EMPTY);
    assertThat(readAll(at("a/b/object.bin"))).isEqualTo(data);
  }

  @Test
  void statReportsSizeAndMissingObjectsAreNotFound() throws IOException {
    assertThatThrownBy(() -> store().stat(at("missing/object")))
        .isInstanceOf(FileNotFoundException.class);
    assertThatThrownBy(() -> store().read(at("missing/object"), 0, -1).close())
        .isInstanceOf(FileNotFoundException.class);
    if (!can(StoreCapability.WRITE)) {
      return;
    }
    byte[] data = randomBytes(12_345, 2);
    put(at("sized"), data, ObjectMetadata.EMPTY);
    ObjectInfo info = store().stat(at("sized"));
    assertThat(info.size()).isEqualTo(12_345);
    assertThat(info.location()).isEqualTo(at("sized"));
  }

  @Test
  void rangedReads() throws IOException {
    if (!can(StoreCapability.WRITE)) {
      assertWriteRefused();
      return;
    }
    byte[] data = randomBytes(100_000, 3);
    put(at("ranged"), data, ObjectMetadata.EMPTY);
    try (InputStream in = store().read(at("ranged"), 1_000, 5_000)) {
      assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(data, 1_000, 6_000));
    }
    try (InputStream in = store().read(at("ranged"), 99_990, -1)) {
      assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(data, 99_990, 100_000));
    }
    try (InputStream in = store().read(at("ranged"), 0, 1)) {
      assertThat(in.readAllBytes()).containsExactly(data[0]);
    }
    // At the object's end, nothing: how a copy in ranges finds that the source ends there.
    try (InputStream in = store().read(at("ranged"), 100_000, -1)) {
      assertThat(in.readAllBytes()).isEmpty();
    }
  }

  @Test
  void writesFromAStreamThatCannotMarkOrReset() throws IOException {
    if (!can(StoreCapability.WRITE)) {
      assertWriteRefused();
      return;
    }
    // Sources are network streams: a store must not depend on mark/reset to send them.
    byte[] data = randomBytes(300_000, 12);
    InputStream oneWay =
        new FilterInputStream(new ByteArrayInputStream(data)) {
          @Override
          public boolean markSupported() {
            return false;
          }

          @Override
          public synchronized void mark(int limit) {}

          @Override
          public synchronized void reset() throws IOException {
            throw new IOException("mark/reset not supported");
          }
        };
    store().write(at("one-way.bin"), oneWay, data.length, ObjectMetadata.EMPTY);
    assertThat(readAll(at("one-way.bin"))).isEqualTo(data);
  }

  @Test
  void emptyObjects() throws IOException {
    if (!can(StoreCapability.WRITE)) {
      assertWriteRefused();
      return;
    }
    put(at("empty"), new byte[0], ObjectMetadata.EMPTY);
    assertThat(store().stat(at("empty")).size()).isZero();
    assertThat(readAll(at("empty"))).isEmpty();
  }

  @Test
  void overwriteReplacesTheWholeObject() throws IOException {
    if (!can(StoreCapability.WRITE)) {
      assertWriteRefused();
      return;
    }
    put(at("over"), randomBytes(50_000, 4), ObjectMetadata.EMPTY);
    byte[] second = "short".getBytes(StandardCharsets.UTF_8);
    put(at("over"), second, ObjectMetadata.EMPTY);
    assertThat(readAll(at("over"))).isEqualTo(second);
    assertThat(store().stat(at("over")).size()).isEqualTo(second.length);
  }

  @Test
  void aWriteWhoseStreamFailsLeavesNothingVisible() throws IOException {
    if (!can(StoreCapability.WRITE)) {
      assertWriteRefused();
      return;
    }
    InputStream failing =
        new InputStream() {
          int served;

          @Override
          public int read() throws IOException {
            if (served++ >= 10_000) {
              throw new IOException("source broke");
            }
            return 7;
          }
        };
    assertThatThrownBy(() -> store().write(at("broken"), failing, 100_000, ObjectMetadata.EMPTY))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> store().stat(at("broken"))).isInstanceOf(FileNotFoundException.class);
  }

  @Test
  void aWriteShorterThanDeclaredFails() throws IOException {
    if (!can(StoreCapability.WRITE)) {
      assertWriteRefused();
      return;
    }
    byte[] data = randomBytes(1_000, 5);
    assertThatThrownBy(
            () ->
                store()
                    .write(
                        at("short"), new ByteArrayInputStream(data), 2_000, ObjectMetadata.EMPTY))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> store().stat(at("short"))).isInstanceOf(FileNotFoundException.class);
  }

  @Test
  void aWriteLongerThanDeclaredNeverLeavesAnotherSize() throws IOException {
    if (!can(StoreCapability.WRITE)) {
      assertWriteRefused();
      return;
    }
    byte[] data = randomBytes(2_000, 6);
    assertThatThrownBy(
            () ->
                store()
                    .write(at("long"), new ByteArrayInputStream(data), 1_000, ObjectMetadata.EMPTY))
        .isInstanceOf(IOException.class);
    // Some protocols have stored the declared bytes before the surplus shows; never the surplus.
    try {
      assertThat(readAll(at("long"))).isEqualTo(Arrays.copyOf(data, 1_000));
    } catch (FileNotFoundException nothingVisible) {
      // as good
    }
  }

  @Test
  void unusualKeysRoundTrip() throws IOException {
    if (!can(StoreCapability.WRITE)) {
      assertWriteRefused();
      return;
    }
    for (String key : UNUSUAL_KEYS) {
      byte[] data = key.getBytes(StandardCharsets.UTF_8);
      put(at(key), data, ObjectMetadata.EMPTY);
      assertThat(readAll(at(key))).as(key).isEqualTo(data);
      assertThat(store().stat(at(key)).size()).as(key).isEqualTo(data.length);
    }
    if (can(StoreCapability.LIST)) {
      try (Stream<ObjectInfo> listed = store().list(root())) {
        assertThat(listed.map(i -> i.location().path().substring(root().path().length())))
            .containsExactlyInAnyOrderElementsOf(UNUSUAL_KEYS);
      }
    }
  }

  @Test
  void contentTypeAndUserMetadataAreKeptWhereSupported() throws IOException {
    if (!can(StoreCapability.WRITE)) {
      assertWriteRefused();
      return;
    }
    var metadata =
        new ObjectMetadata(
            "application/x-parquet",
            Map.of("owner", "data-team", ObjectMetadata.LAKEFS_CHECKSUM_KEY, "abc123"));
    put(at("meta.parquet"), randomBytes(10, 6), metadata);
    ObjectInfo info = store().stat(at("meta.parquet"));
    if (can(StoreCapability.METADATA)) {
      assertThat(info.metadata().contentType()).isEqualTo("application/x-parquet");
      assertThat(info.metadata().userMetadata())
          .containsEntry("owner", "data-team")
          .containsEntry(ObjectMetadata.LAKEFS_CHECKSUM_KEY, "abc123");
    } else {
      // Documented: a store without metadata keeps the bytes and drops the rest.
      assertThat(info.metadata().userMetadata()).isEmpty();
      assertThat(info.size()).isEqualTo(10);
    }
  }

  @Test
  void listingIsInKeyOrderAndCrossesPages() throws IOException {
    if (!can(StoreCapability.LIST)) {
      assertThatThrownBy(() -> store().list(root()))
          .isInstanceOf(UnsupportedStoreOperationException.class);
      return;
    }
    int count = listingObjectCount();
    var expected = new ArrayList<String>();
    for (int i = 0; i < count; i++) {
      String key = String.format("p/%02d/obj-%05d", i % 7, i);
      put(at(key), new byte[] {(byte) i}, ObjectMetadata.EMPTY);
      expected.add(key);
    }
    put(at("p-sibling"), new byte[] {1}, ObjectMetadata.EMPTY);
    put(at("q/outside"), new byte[] {1}, ObjectMetadata.EMPTY);
    expected.sort(null);
    try (Stream<ObjectInfo> listed = store().list(at("p/"))) {
      assertThat(listed.map(i -> i.location().path().substring(root().path().length())).toList())
          .containsExactlyElementsOf(expected);
    }
    // A prefix that ends inside a name, or names a folder without its slash: the same keys.
    var withSibling = new ArrayList<>(expected);
    withSibling.add("p-sibling");
    withSibling.sort(null);
    try (Stream<ObjectInfo> listed = store().list(at("p"))) {
      assertThat(listed.map(i -> i.location().path().substring(root().path().length())).toList())
          .containsExactlyElementsOf(withSibling);
    }
    try (Stream<ObjectInfo> listed = store().list(at("nothing-here/"))) {
      assertThat(listed.count()).isZero();
    }
  }

  /**
   * An MD5 a store reports of an object's bytes (what proves a copy identical when the export is
   * run again) is theirs, in the stat and in the listing alike; a store may report none.
   */
  @Test
  void aContentMd5ReportedIsThatOfTheBytes() throws Exception {
    if (!can(StoreCapability.WRITE)) {
      return;
    }
    byte[] data = randomBytes(5_000, 11);
    Location location = at("md5/object");
    put(location, data, ObjectMetadata.EMPTY);
    String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
    assertThat(store().stat(location).contentMd5()).isIn("", md5);
    if (can(StoreCapability.LIST)) {
      try (Stream<ObjectInfo> listed = store().list(at("md5/"))) {
        assertThat(listed.map(ObjectInfo::contentMd5).toList()).singleElement().isIn("", md5);
      }
    }
  }

  @Test
  void listingReportsSizes() throws IOException {
    if (!can(StoreCapability.LIST) || !can(StoreCapability.WRITE)) {
      return;
    }
    put(at("sizes/a"), randomBytes(3, 7), ObjectMetadata.EMPTY);
    put(at("sizes/b"), randomBytes(70_000, 8), ObjectMetadata.EMPTY);
    try (Stream<ObjectInfo> listed = store().list(at("sizes/"))) {
      assertThat(listed.map(ObjectInfo::size).toList()).containsExactly(3L, 70_000L);
    }
  }

  @Test
  void deleteRemovesObjectsAndIgnoresMissingOnes() throws IOException {
    if (!can(StoreCapability.DELETE)) {
      assertThatThrownBy(() -> store().delete(List.of(at("x"))))
          .isInstanceOf(UnsupportedStoreOperationException.class);
      return;
    }
    var locations = new ArrayList<Location>();
    for (int i = 0; i < 25; i++) {
      Location location = at("del/obj-" + i);
      put(location, new byte[] {(byte) i}, ObjectMetadata.EMPTY);
      locations.add(location);
    }
    put(at("del/keep"), new byte[] {1}, ObjectMetadata.EMPTY);
    locations.add(at("del/never-existed"));
    List<ObjectStore.DeleteFailure> failures = store().delete(locations);
    assertThat(failures).isEmpty();
    for (int i = 0; i < 25; i++) {
      Location location = at("del/obj-" + i);
      assertThatThrownBy(() -> store().stat(location)).isInstanceOf(FileNotFoundException.class);
    }
    assertThat(store().stat(at("del/keep")).size()).isEqualTo(1);
    assertThat(store().maxDeleteBatch()).isPositive();
  }

  @Test
  void multipartUploadsAssemblePartsWrittenOutOfOrder() throws IOException {
    if (!(store() instanceof MultipartWritable multipart)) {
      return;
    }
    long partSize = Math.max(multipart.partLimits().minPartSize(), 64 * 1024);
    int size = (int) (partSize * 2 + 1234);
    byte[] data = randomBytes(size, 9);
    ObjectMetadata metadata = new ObjectMetadata("text/csv", Map.of("k", "v"));
    MultipartUpload upload = multipart.startMultipart(at("mp/large.bin"), size, partSize, metadata);
    var parts = new ArrayList<UploadedPart>();
    // Written in reverse, the third by a resumed handle, as distributed workers would.
    parts.add(writePart(upload, 3, data, 2 * partSize, size - 2 * partSize));
    MultipartUpload resumed = multipart.resumeMultipart(at("mp/large.bin"), upload.uploadId());
    parts.add(writePart(resumed, 2, data, partSize, partSize));
    parts.add(writePart(upload, 1, data, 0, partSize));
    assertThatThrownBy(() -> store().stat(at("mp/large.bin")))
        .as("nothing is visible before complete")
        .isInstanceOf(FileNotFoundException.class);
    upload.complete(parts);
    assertThat(readAll(at("mp/large.bin"))).isEqualTo(data);
    if (can(StoreCapability.METADATA)) {
      assertThat(store().stat(at("mp/large.bin")).metadata().contentType()).isEqualTo("text/csv");
    }
    if (can(StoreCapability.LIST)) {
      try (Stream<ObjectInfo> listed = store().list(at("mp/"))) {
        assertThat(listed.map(i -> i.location().name()).toList()).containsExactly("large.bin");
      }
    }
  }

  @Test
  void anAbortedMultipartUploadLeavesNothing() throws IOException {
    if (!(store() instanceof MultipartWritable multipart)) {
      return;
    }
    long partSize = Math.max(multipart.partLimits().minPartSize(), 64 * 1024);
    byte[] data = randomBytes((int) partSize, 10);
    MultipartUpload upload =
        multipart.startMultipart(at("abort/x.bin"), partSize * 2, partSize, ObjectMetadata.EMPTY);
    writePart(upload, 1, data, 0, partSize);
    upload.abort();
    upload.abort();
    assertThatThrownBy(() -> store().stat(at("abort/x.bin")))
        .isInstanceOf(FileNotFoundException.class);
    if (can(StoreCapability.LIST)) {
      try (Stream<ObjectInfo> listed = store().list(at("abort/"))) {
        assertThat(listed.count()).isZero();
      }
    }
    assertPendingUploadsGone(at("abort/x.bin"));
  }

  /**
   * Backends with server-side bookkeeping of uploads (S3 ListMultipartUploads) assert here that an
   * aborted upload left nothing behind.
   */
  protected void assertPendingUploadsGone(Location location) throws IOException {}

  @Test
  void serverSideCopyCopiesBytesAndSetsMetadata() throws IOException {
    if (!(store() instanceof ServerSideCopyable copier)) {
      return;
    }
    byte[] data = randomBytes(300_000, 11);
    put(at("ssc/source.bin"), data, ObjectMetadata.EMPTY);
    assertThat(copier.canCopyServerSide(at("ssc/source.bin"), at("ssc/copy of.bin"))).isTrue();
    ObjectMetadata metadata = new ObjectMetadata("image/png", Map.of("origin", "lakefs"));
    copier.copyServerSide(at("ssc/source.bin"), at("ssc/copy of.bin"), data.length, metadata);
    assertThat(readAll(at("ssc/copy of.bin"))).isEqualTo(data);
    if (can(StoreCapability.METADATA)) {
      ObjectInfo info = store().stat(at("ssc/copy of.bin"));
      assertThat(info.metadata().contentType()).isEqualTo("image/png");
      assertThat(info.metadata().userMetadata()).containsEntry("origin", "lakefs");
    }
    assertThatThrownBy(
            () ->
                copier.copyServerSide(at("ssc/missing"), at("ssc/never"), 5, ObjectMetadata.EMPTY))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> store().stat(at("ssc/never")))
        .isInstanceOf(FileNotFoundException.class);
  }

  private UploadedPart writePart(
      MultipartUpload upload, int number, byte[] data, long offset, long length)
      throws IOException {
    return upload.writePart(
        number, new ByteArrayInputStream(data, (int) offset, (int) length), length);
  }

  private void assertWriteRefused() {
    assertThatThrownBy(
            () ->
                store()
                    .write(
                        at("refused"),
                        new ByteArrayInputStream(new byte[1]),
                        1,
                        ObjectMetadata.EMPTY))
        .isInstanceOf(UnsupportedStoreOperationException.class);
  }
}
