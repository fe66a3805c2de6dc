package io.lakeexporter.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeexporter.source.ObjectEntry;
import io.lakeexporter.storage.DelegatingUpload;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.MultipartUpload;
import io.lakeexporter.storage.ObjectMetadata;
import io.lakeexporter.storage.UploadedPart;
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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spans against the real local store: which ranges are read, and what a failure leaves. */
class SpanCopyTest {
  private static final int PART = 64 * 1024;
  private static final int SIZE = 16 * PART - 1000; // 16 parts, the last one short
  private static final RetryPolicy THREE_TRIES =
      new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(2));

  @TempDir Path dir;

  private final LocalFileStore store = new LocalFileStore(Path.of("/unused"));
  private final ExecutorService pool = Executors.newFixedThreadPool(4);
  private final List<long[]> opened = new CopyOnWriteArrayList<>();
  private byte[] data;
  private Location target;

  @BeforeEach
  void source() throws IOException {
    data = new byte[SIZE];
    new Random(7).nextBytes(data);
    Files.write(dir.resolve("source"), data);
    target = Location.ofPath(dir.resolve("out/target"));
  }

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  /** Opens ranges of the source file and records each as {offset, length}. */
  private InputStream open(long offset, long length) throws IOException {
    opened.add(new long[] {offset, length});
    return store.read(Location.ofPath(dir.resolve("source")), offset, length);
  }

  private SpanCopy copy(SourceReader reader, MultipartUpload upload, IntPredicate mayAddSpan) {
    var entry =
        new ObjectEntry(
            "source", "file:///source", SIZE, "etag", Instant.EPOCH, "text/plain", Map.of());
    return new SpanCopy(
        new CopySource(entry, Optional.empty(), reader),
        upload,
        SIZE,
        PART,
        pool,
        THREE_TRIES,
        mayAddSpan);
  }

  private MultipartUpload upload() throws IOException {
    return store.startMultipart(target, SIZE, PART, ObjectMetadata.EMPTY);
  }

  private void complete(MultipartUpload upload, RetryPolicy.Result<List<UploadedPart>> written)
      throws IOException {
    upload.complete(written.value());
    assertThat(Files.readAllBytes(target.toPath())).isEqualTo(data);
  }

  @Test
  void anObjectThatMayNotAddSpansIsReadThroughOneRequest() throws IOException {
    MultipartUpload upload = upload();
    var written = copy(this::open, upload, spans -> false).run();
    complete(upload, written);
    // Read on to the source's end (-1), where a source longer than recorded would show.
    assertThat(opened).containsExactly(new long[] {0, -1});
    assertThat(written.value())
        .extracting(UploadedPart::partNumber)
        .hasSize(16)
        .doesNotHaveDuplicates();
    assertThat(written.attempts()).isEqualTo(1);
  }

  @Test
  void aSpanSplitsOffTheBackHalfOfItsPartsWhenTheObjectMayAddOne() throws IOException {
    // One span until its first part has been read, then one more, once.
    var mayAdd = new AtomicBoolean();
    SourceReader reader =
        (offset, length) ->
            new FilterInputStream(open(offset, length)) {
              private long read;

              @Override
              public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                read += Math.max(n, 0);
                if (read >= PART) {
                  mayAdd.set(true);
                }
                return n;
              }
            };
    MultipartUpload upload = upload();
    var granted = new AtomicBoolean();
    var written =
        copy(reader, upload, spans -> mayAdd.get() && granted.compareAndSet(false, true)).run();
    complete(upload, written);
    // Part 0 written, part 1 claimed: of parts 1-15 the span keeps 1-8, a new one takes 9-15.
    assertThat(opened).containsExactly(new long[] {0, -1}, new long[] {9L * PART, -1});
  }

  @Test
  void aPartThatFailsIsReadAgainFromItsOwnFirstByte() throws IOException {
    var failed = new AtomicBoolean();
    SourceReader reader =
        (offset, length) -> {
          InputStream in = open(offset, length);
          if (failed.getAndSet(true)) {
            return in;
          }
          // The first response breaks halfway through part 3.
          return new FilterInputStream(in) {
            private long read;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
              if (read + len > 3L * PART + PART / 2) {
                throw new IOException("connection reset");
              }
              int n = super.read(b, off, len);
              read += Math.max(n, 0);
              return n;
            }
          };
        };
    MultipartUpload upload = upload();
    var written = copy(reader, upload, spans -> false).run();
    complete(upload, written);
    assertThat(opened).containsExactly(new long[] {0, -1}, new long[] {3L * PART, -1});
    assertThat(written.attempts()).isEqualTo(2);
  }

  @Test
  void aStoreThatLeavesPartOfAPartUnreadFailsTheCopy() throws IOException {
    MultipartUpload local = upload();
    // A broken store: it reads a part but its last byte and writes a zero in its place.
    MultipartUpload careless =
        new DelegatingUpload(local) {
          @Override
          public UploadedPart writePart(int partNumber, InputStream in, long length)
              throws IOException {
            byte[] bytes = in.readNBytes((int) length - 1);
            byte[] padded = Arrays.copyOf(bytes, (int) length);
            return local.writePart(partNumber, new ByteArrayInputStream(padded), length);
          }
        };
    assertThatThrownBy(() -> copy(this::open, careless, spans -> false).run())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("part 1 of " + target + " was written from 65535 of its 65536 bytes");
    local.abort();
  }

  @Test
  void theFirstFailureStopsTheOtherSpansBeforeTheCopyReturns() throws IOException {
    var writing = new AtomicInteger();
    var writes = new AtomicInteger();
    var overlapAtReturn = new AtomicInteger(-1);
    MultipartUpload local = upload();
    MultipartUpload slow =
        new DelegatingUpload(local) {
          @Override
          public UploadedPart writePart(int partNumber, InputStream in, long length)
              throws IOException {
            writing.incrementAndGet();
            try {
              Thread.sleep(20);
              writes.incrementAndGet();
              return local.writePart(partNumber, in, length);
            } catch (InterruptedException e) {
              throw new InterruptedIOException();
            } finally {
              writing.decrementAndGet();
            }
          }
        };
    // Every span but the one that starts at part 0 finds its source gone (never retried).
    SourceReader reader =
        (offset, length) -> {
          if (offset > 0) {
            throw new FileNotFoundException("source vanished at " + offset);
          }
          return open(offset, length);
        };
    assertThatThrownBy(
            () -> {
              try {
                copy(reader, slow, spans -> spans < 4).run();
              } finally {
                overlapAtReturn.set(writing.get());
              }
            })
        .isInstanceOf(FileNotFoundException.class)
        .hasMessageContaining("source vanished");
    assertThat(overlapAtReturn).hasValue(0);
    assertThat(writes.get()).isLessThan(16);
    local.abort();
    try (var files = Files.list(dir.resolve("out"))) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void anInterruptedCopyStopsItsSpansBeforeItReturns() throws Exception {
    var writing = new AtomicInteger();
    var writes = new AtomicInteger();
    var overlapAtReturn = new AtomicInteger(-1);
    var started = new CountDownLatch(3);
    MultipartUpload local = upload();
    // Parts that take a while and, like a client that does not look at interrupts, finish anyway.
    MultipartUpload slow =
        new DelegatingUpload(local) {
          @Override
          public UploadedPart writePart(int partNumber, InputStream in, long length)
              throws IOException {
            writing.incrementAndGet();
            started.countDown();
            try {
              long until = System.nanoTime() + 30_000_000;
              while (System.nanoTime() < until) {
                Thread.onSpinWait();
              }
              writes.incrementAndGet();
              return local.writePart(partNumber, in, length);
            } finally {
              writing.decrementAndGet();
            }
          }
        };
    Thread caller = Thread.currentThread();
    Thread interrupter =
        new Thread(
            () -> {
              try {
                started.await();
              } catch (InterruptedException e) {
                return;
              }
              caller.interrupt();
            });
    interrupter.start();
    try {
      assertThatThrownBy(
              () -> {
                try {
                  copy(this::open, slow, spans -> spans < 4).run();
                } finally {
                  overlapAtReturn.set(writing.get());
                }
              })
          .isInstanceOf(InterruptedIOException.class)
          .hasMessageContaining("interrupted while copying source in parts");
      assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is kept").isTrue();
    } finally {
      Thread.interrupted();
      interrupter.join();
    }
    assertThat(overlapAtReturn).as("parts being written when run returned").hasValue(0);
    int atReturn = writes.get();
    assertThat(atReturn).isLessThan(16);
    Thread.sleep(200);
    assertThat(writes.get()).as("parts written after run returned").isEqualTo(atReturn);
    local.abort();
  }
}
