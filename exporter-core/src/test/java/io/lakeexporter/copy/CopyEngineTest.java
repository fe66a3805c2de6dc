package io.lakeexporter.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeexporter.source.ObjectEntry;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectInfo;
import io.lakeexporter.storage.ObjectMetadata;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.StoreCapability;
import io.lakeexporter.storage.local.LocalFileStore;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine against the real local filesystem store. */
class CopyEngineTest {

  @TempDir Path dir;

  private final LocalFileStore store = new LocalFileStore(Path.of("/unused"));
  private final ExecutorService parts = Executors.newFixedThreadPool(4);
  private final CopySettings settings =
      new CopySettings(
          64 * 1024,
          256 * 1024,
          new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(2)),
          true);

  @AfterEach
  void stop() {
    parts.shutdownNow();
  }

  private byte[] sourceFile(String name, int size) throws IOException {
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    Files.write(dir.resolve(name), data);
    return data;
  }

  private ObjectEntry entry(String name, int size) {
    return new ObjectEntry(
        name,
        Location.ofPath(dir.resolve(name)).toString(),
        size,
        "etag-" + name,
        Instant.EPOCH,
        "text/plain",
        Map.of());
  }

  private SourceReader reader(String name) {
    Location l = Location.ofPath(dir.resolve(name));
    return (offset, length) -> store.read(l, offset, length);
  }

  @Test
  void smallObjectsStream() throws IOException {
    byte[] data = sourceFile("small", 1000);
    var engine = new CopyEngine(store, parts, settings);
    Location target = Location.ofPath(dir.resolve("out/small"));
    CopyResult r =
        engine.copy(
            new CopySource(entry("small", 1000), Optional.empty(), reader("small")), target);
    assertThat(r.strategy()).isEqualTo(CopyStrategy.STREAM);
    assertThat(Files.readAllBytes(target.toPath())).isEqualTo(data);
  }

  @Test
  void largeObjectsGoInParallelPartsReadThroughOneRequestPerThread() throws IOException {
    int size = 1_000_000; // 16 parts of 64 KiB, the last one short
    byte[] data = sourceFile("large", size);
    ExecutorService twoThreads = Executors.newFixedThreadPool(2);
    try {
      var engine = new CopyEngine(store, twoThreads, settings);
      Location target = Location.ofPath(dir.resolve("out/large"));
      var reads = new CopyOnWriteArrayList<List<Long>>();
      // The first span's read waits (a while at most) for the second span's: had the first span
      // ended before the second began, the second would find itself alone and split again, as it
      // should, and the first two reads would not be the halves this test is about.
      var secondSpanRead = new CountDownLatch(1);
      SourceReader counting =
          (offset, length) -> {
            reads.add(List.of(offset, length));
            if (offset == 8L * 65536) {
              secondSpanRead.countDown();
            } else if (offset == 0) {
              try {
                secondSpanRead.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            return reader("large").open(offset, length);
          };
      CopyResult r =
          engine.copy(new CopySource(entry("large", size), Optional.empty(), counting), target);
      assertThat(r.strategy()).isEqualTo(CopyStrategy.PARALLEL_PARTS);
      // The first span splits before it reads: it keeps parts 1-8, a second span takes 9-16,
      // reading on to the source's end (to find a source longer than recorded).
      assertThat(reads.subList(0, 2))
          .containsExactlyInAnyOrder(List.of(0L, 8L * 65536), List.of(8L * 65536, -1L));
      // When one of them ends first, the other may hand it parts it has not begun: a few more
      // reads, each from a part's first byte, but at most one for every two parts.
      assertThat(reads).hasSizeLessThanOrEqualTo(8).allMatch(read -> read.get(0) % 65536 == 0);
      assertThat(Files.readAllBytes(target.toPath())).isEqualTo(data);
      try (var files = Files.list(dir.resolve("out"))) {
        assertThat(files.map(p -> p.getFileName().toString())).containsExactly("large");
      }
    } finally {
      twoThreads.shutdownNow();
    }
  }

  @Test
  void sameStoreSourcesAreCopiedServerSide() throws IOException {
    byte[] data = sourceFile("ss", 5000);
    var engine = new CopyEngine(store, parts, settings);
    Location target = Location.ofPath(dir.resolve("out/ss"));
    Location source = Location.ofPath(dir.resolve("ss"));
    CopyResult r =
        engine.copy(new CopySource(entry("ss", 5000), Optional.of(source), reader("ss")), target);
    assertThat(r.strategy()).isEqualTo(CopyStrategy.SERVER_SIDE);
    assertThat(Files.readAllBytes(target.toPath())).isEqualTo(data);
  }

  @Test
  void aPartThatKeepsFailingAbortsTheUploadAndLeavesNothing() throws IOException {
    int size = 500_000;
    sourceFile("flaky", size);
    var engine = new CopyEngine(store, parts, settings);
    Location target = Location.ofPath(dir.resolve("out2/flaky"));
    // Every read of the source breaks once it reaches 128 KiB into the object.
    SourceReader broken =
        (offset, length) ->
            new FilterInputStream(reader("flaky").open(offset, length)) {
              private long position = offset;

              @Override
              public int read(byte[] b, int off, int len) throws IOException {
                if (position + len > 128 * 1024) {
                  throw new IOException("source connection reset");
                }
                int n = super.read(b, off, len);
                position += Math.max(n, 0);
                return n;
              }
            };
    assertThatThrownBy(
            () ->
                engine.copy(new CopySource(entry("flaky", size), Optional.empty(), broken), target))
        .hasMessageContaining("connection reset");
    try (var files = Files.list(dir.resolve("out2"))) {
      assertThat(files).isEmpty();
    }
  }

  /**
   * A part that fails with an Error (a heap run out by the parts in flight) aborts the upload as an
   * exception does: its parts were left behind.
   */
  @Test
  void aPartThatFailsWithAnErrorAbortsTheUploadToo() throws IOException {
    int size = 500_000;
    sourceFile("heap", size);
    var engine = new CopyEngine(store, parts, settings);
    Location target = Location.ofPath(dir.resolve("out3/heap"));
    SourceReader exhausting =
        (offset, length) ->
            new FilterInputStream(reader("heap").open(offset, length)) {
              @Override
              public int read(byte[] b, int off, int len) throws IOException {
                if (offset > 0) {
                  throw new OutOfMemoryError("Java heap space (a test's)");
                }
                return super.read(b, off, len);
              }
            };
    assertThatThrownBy(
            () ->
                engine.copy(
                    new CopySource(entry("heap", size), Optional.empty(), exhausting), target))
        .isInstanceOf(OutOfMemoryError.class);
    try (var files = Files.list(dir.resolve("out3"))) {
      assertThat(files).as("the upload's file").isEmpty();
    }
  }

  /**
   * A whole copy under way when the export is cancelled fails at its source's next read, once, and
   * leaves nothing at its target: on a slow link it would otherwise run to its end, past the grace
   * a signal leaves for the status file.
   */
  @Test
  void aWholeCopyUnderWayStopsWhenTheExportIsCancelled() throws Exception {
    int size = 60_000; // below the multipart threshold: one stream
    sourceFile("slow", size);
    var engine = new CopyEngine(store, parts, settings);
    Location target = Location.ofPath(dir.resolve("out4/slow"));
    var opened = new AtomicInteger();
    var firstRead = new CountDownLatch(1);
    SourceReader slow =
        (offset, length) -> {
          opened.incrementAndGet();
          return new FilterInputStream(reader("slow").open(offset, length)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
              firstRead.countDown();
              try {
                Thread.sleep(20); // 1 KiB each 20 ms: about a second for the object
              } catch (InterruptedException e) {
                throw new IOException(e);
              }
              return super.read(b, off, Math.min(len, 1024));
            }
          };
        };
    var worker = Executors.newSingleThreadExecutor();
    try {
      var copying =
          worker.submit(
              () ->
                  engine.copy(new CopySource(entry("slow", size), Optional.empty(), slow), target));
      assertThat(firstRead.await(10, TimeUnit.SECONDS)).isTrue();
      engine.cancel();
      assertThatThrownBy(() -> copying.get(5, TimeUnit.SECONDS))
          .hasCauseInstanceOf(InterruptedIOException.class)
          .hasMessageContaining("the export was interrupted while copying");
    } finally {
      worker.shutdownNow();
    }
    assertThat(opened).as("not tried again").hasValue(1);
    try (var files = Files.list(dir.resolve("out4"))) {
      assertThat(files).as("no file, no temporary file").isEmpty();
    }
    // And one that starts after the cancel reads nothing.
    assertThatThrownBy(
            () ->
                engine.copy(
                    new CopySource(entry("slow", size), Optional.empty(), slow),
                    Location.ofPath(dir.resolve("out4/later"))))
        .isInstanceOf(InterruptedIOException.class)
        .hasMessageContaining("interrupted before copying");
    assertThat(opened).hasValue(1);
  }

  /**
   * A cancel that comes once the source has given every byte leaves the copy to end: a store may
   * read again after it kept the object (Azure asks whether the source ends there), and a copy at
   * the destination counted failed would make the status file's counts wrong.
   */
  @Test
  void aWholeCopyWhoseBytesAreAllReadEndsThoughTheExportIsCancelled() throws IOException {
    byte[] data = sourceFile("read", 5000);
    var engine = new CopyEngine(store, parts, settings);
    SourceReader cancelsAtItsEnd =
        (offset, length) ->
            new FilterInputStream(reader("read").open(offset, length)) {
              @Override
              public int read() throws IOException {
                int b = super.read();
                if (b < 0) {
                  engine.cancel(); // once the source is found to end there
                }
                return b;
              }

              @Override
              public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n < 0) {
                  engine.cancel();
                }
                return n;
              }
            };
    Location target = Location.ofPath(dir.resolve("out5/read"));
    CopyResult r =
        engine.copy(new CopySource(entry("read", 5000), Optional.empty(), cancelsAtItsEnd), target);
    assertThat(r.strategy()).isEqualTo(CopyStrategy.STREAM);
    assertThat(Files.readAllBytes(target.toPath())).isEqualTo(data);
  }

  @Test
  void transientFaultsAreRetriedAndCounted() throws IOException {
    byte[] data = sourceFile("retry", 2000);
    var engine = new CopyEngine(store, parts, settings);
    var calls = new AtomicInteger();
    SourceReader flaky =
        (offset, length) -> {
          if (calls.incrementAndGet() == 1) {
            return new InputStream() {
              @Override
              public int read() throws IOException {
                throw new IOException("reset mid-stream");
              }
            };
          }
          return reader("retry").open(offset, length);
        };
    Location target = Location.ofPath(dir.resolve("out/retry"));
    CopyResult r =
        engine.copy(new CopySource(entry("retry", 2000), Optional.empty(), flaky), target);
    assertThat(r.attempts()).isEqualTo(2);
    assertThat(Files.readAllBytes(target.toPath())).isEqualTo(data);
  }

  @Test
  void aSourceShorterThanLakeFsSaysFailsAndWritesNothing() throws IOException {
    sourceFile("short", 100);
    var engine = new CopyEngine(store, parts, settings);
    Location target = Location.ofPath(dir.resolve("out3/short"));
    assertThatThrownBy(
            () ->
                engine.copy(
                    new CopySource(entry("short", 200), Optional.empty(), reader("short")), target))
        .isInstanceOf(IOException.class);
    assertThat(dir.resolve("out3/short")).doesNotExist();
  }

  @Test
  void aStoreWhoseWritesAreVerifiedIsNotAskedForTheSizeAgain() throws IOException {
    byte[] data = sourceFile("trusted", 1000);
    var destination = new StandIn(store, true, false);
    var engine = new CopyEngine(destination, parts, settings);
    Location target = Location.ofPath(dir.resolve("out4/trusted"));
    engine.copy(
        new CopySource(entry("trusted", 1000), Optional.empty(), reader("trusted")), target);
    assertThat(Files.readAllBytes(target.toPath())).isEqualTo(data);
    assertThat(destination.stats).hasValue(0);
  }

  @Test
  void otherStoresAreCheckedAndAWronglySizedCopyIsRemoved() throws IOException {
    sourceFile("lossy", 1000);
    var destination = new StandIn(store, false, true);
    var engine = new CopyEngine(destination, parts, settings);
    Location target = Location.ofPath(dir.resolve("out5/lossy"));
    assertThatThrownBy(
            () ->
                engine.copy(
                    new CopySource(entry("lossy", 1000), Optional.empty(), reader("lossy")),
                    target))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("size check failed for " + target)
        .hasMessageContaining("wrote 999 bytes, expected 1000");
    assertThat(destination.stats).hasValue(1);
    assertThat(dir.resolve("out5/lossy")).doesNotExist();
  }

  /**
   * A source longer than lakeFS records (an imported object rewritten where it lies) fails before
   * the destination completes the object, even where the store's write takes no more than the
   * declared size, as upload clients do; it is not cut to that size and counted copied.
   */
  @Test
  void aSourceLongerThanRecordedFailsBeforeItsObjectIsComplete() throws IOException {
    sourceFile("grown", 1200);
    var destination = new StandIn(store, true, false);
    var engine = new CopyEngine(destination, parts, settings);
    Location target = Location.ofPath(dir.resolve("out6/grown"));
    assertThatThrownBy(
            () ->
                engine.copy(
                    new CopySource(entry("grown", 1000), Optional.empty(), reader("grown")),
                    target))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("'grown' (file:///")
        .hasMessageContaining("the source holds more than the declared 1000 bytes");
    assertThat(dir.resolve("out6/grown")).doesNotExist();
  }

  @Test
  void aLargeSourceLongerThanRecordedFailsItsCopyInPartsWithNothingLeft() throws IOException {
    sourceFile("grown-large", 1_000_100);
    var engine = new CopyEngine(store, parts, settings);
    Location target = Location.ofPath(dir.resolve("out7/grown-large"));
    assertThatThrownBy(
            () ->
                engine.copy(
                    new CopySource(
                        entry("grown-large", 1_000_000), Optional.empty(), reader("grown-large")),
                    target))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("'grown-large' (file:///")
        .hasMessageContaining("the source holds more than the declared 1000000 bytes");
    try (var left = Files.list(dir.resolve("out7"))) {
      assertThat(left).isEmpty();
    }
  }

  /**
   * A store as a user might write one: the local store underneath, with or without its claim that
   * writes are verified, and optionally dropping a write's last byte (a broken store).
   */
  private static final class StandIn implements ObjectStore {
    final AtomicInteger stats = new AtomicInteger();
    private final LocalFileStore local;
    private final boolean claimsVerifiedWrites;
    private final boolean dropsLastByte;

    StandIn(LocalFileStore local, boolean claimsVerifiedWrites, boolean dropsLastByte) {
      this.local = local;
      this.claimsVerifiedWrites = claimsVerifiedWrites;
      this.dropsLastByte = dropsLastByte;
    }

    @Override
    public String name() {
      return "stand-in";
    }

    @Override
    public Set<StoreCapability> capabilities() {
      var capabilities = EnumSet.copyOf(local.capabilities());
      if (!claimsVerifiedWrites) {
        capabilities.remove(StoreCapability.VERIFIED_WRITES);
      }
      return capabilities;
    }

    @Override
    public ObjectInfo stat(Location location) throws IOException {
      stats.incrementAndGet();
      return local.stat(location);
    }

    @Override
    public InputStream read(Location location, long offset, long length) throws IOException {
      return local.read(location, offset, length);
    }

    @Override
    public void write(Location location, InputStream data, long size, ObjectMetadata metadata)
        throws IOException {
      long kept = dropsLastByte ? size - 1 : size;
      local.write(location, new ByteArrayInputStream(data.readNBytes((int) kept)), kept, metadata);
    }

    @Override
    public List<DeleteFailure> delete(Collection<Location> locations) throws IOException {
      return local.delete(locations);
    }

    @Override
    public Stream<ObjectInfo> list(Location prefix) throws IOException {
      return local.list(prefix);
    }

    @Override
    public void close() throws IOException {}
  }

  @Test
  void aMissingSourceIsNotFound() {
    var engine = new CopyEngine(store, parts, settings);
    Location target = Location.ofPath(dir.resolve("out/none"));
    assertThatThrownBy(
            () ->
                engine.copy(
                    new CopySource(entry("none", 10), Optional.empty(), reader("none")), target))
        .isInstanceOf(FileNotFoundException.class);
  }

  /**
   * lakeFS's S3 gateway keeps user metadata under the whole header name: exported, it goes under
   * the name its readers see; a bare name the object has too keeps both as they are.
   */
  @Test
  void metadataTheS3GatewayKeptUnderItsHeaderNameGoesUnderItsOwn() {
    var entry =
        new ObjectEntry(
            "g",
            Location.ofPath(dir.resolve("g")).toString(),
            1,
            "etag-g",
            Instant.EPOCH,
            "text/plain",
            Map.of(
                "X-Amz-Meta-writer", "spark",
                "X-AMZ-META-Owner", "team-a",
                "plain", "api",
                "X-Amz-Meta-plain", "gateway",
                "x-amz-meta-", "empty name"));
    assertThat(CopyEngine.metadataOf(entry).userMetadata())
        .containsOnly(
            Map.entry("writer", "spark"),
            Map.entry("Owner", "team-a"),
            Map.entry("plain", "api"),
            Map.entry("X-Amz-Meta-plain", "gateway"),
            Map.entry("x-amz-meta-", "empty name"),
            Map.entry(ObjectMetadata.LAKEFS_CHECKSUM_KEY, "etag-g"));
  }

  @Test
  void theLakeFsChecksumTravelsInMetadata() {
    ObjectMetadata m = CopyEngine.metadataOf(entry("x", 1));
    assertThat(m.userMetadata()).containsEntry(ObjectMetadata.LAKEFS_CHECKSUM_KEY, "etag-x");
    assertThat(m.contentType()).isEqualTo("text/plain");
    assertThat(new ByteArrayInputStream(new byte[0])).isNotNull();
  }
}
