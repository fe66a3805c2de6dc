package io.lakeexporter.copy;

import io.lakeexporter.storage.MultipartUpload;
import io.lakeexporter.storage.PartSlice;
import io.lakeexporter.storage.UploadedPart;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.IntPredicate;

/**
 * Copies one object into a multipart upload through spans: ranged reads of the source that each
 * cover consecutive parts, written one after another from the same response. The first span covers
 * the whole object; before each part it begins, a span hands the back half of the parts it has not
 * begun to a new span when the engine allows the object one more ({@code mayAddSpan}: fewer spans
 * than its share of the pool, and a thread of the pool idle). A lone object so fans out over the
 * pool within its first part, eight objects on sixteen threads are read through two or three
 * requests each instead of one per part, and an object left alone at the end takes the threads the
 * others give back.
 *
 * <p>Why spans: every ranged request costs both sides a request's work (and on S3, a request's
 * price). Eight objects of 256 MiB from S3Proxy into a local directory on 2 cores took 128 GETs
 * with one per 16 MiB part, 0.84-0.91x rclone's MiB/s; through spans 16-19 GETs, 0.94-1.04x. The
 * parts keep the size the destination's layout asked for (an S3 ETag depends on it): only the reads
 * are fewer.
 *
 * <p>A part that fails is retried from its own first byte through a new request. The first failure
 * stops the other spans at their next part; {@link #run} returns once every span has stopped, so
 * that nothing writes into the upload after the caller aborts it. An interrupt of the waiting
 * thread stops them the same way, and {@link #run} waits up to {@link #STOP_WAIT_MILLIS} for the
 * parts being written: on a store whose parts are objects of their own until the upload completes
 * (GCS), a part written after the abort would stay behind for good.
 */
final class SpanCopy {
  /** How long an interrupted copy waits for the parts being written; a stuck request is not. */
  static final long STOP_WAIT_MILLIS = 30_000;

  private final CopySource source;
  private final MultipartUpload upload;
  private final long size;
  private final long partSize;
  private final ExecutorService pool;
  private final RetryPolicy retry;
  private final IntPredicate mayAddSpan;

  // All guarded by this.
  private final UploadedPart[] parts;
  private int spans;
  private int attempts = 1;
  private Throwable failure;
  private boolean cancelled;

  /**
   * @param mayAddSpan whether the object, which has the given number of spans, may have one more
   */
  SpanCopy(
      CopySource source,
      MultipartUpload upload,
      long size,
      long partSize,
      ExecutorService pool,
      RetryPolicy retry,
      IntPredicate mayAddSpan) {
    this.source = source;
    this.upload = upload;
    this.size = size;
    this.partSize = partSize;
    this.pool = pool;
    this.retry = retry;
    this.mayAddSpan = mayAddSpan;
    this.parts = new UploadedPart[(int) Math.max(1, (size + partSize - 1) / partSize)];
  }

  /**
   * Writes every part; returns them with the most attempts any part took.
   *
   * @throws IOException the first failure of any part, after its retries
   */
  RetryPolicy.Result<List<UploadedPart>> run() throws IOException {
    Span whole = new Span(0, parts.length);
    synchronized (this) {
      spans = 1;
    }
    pool.execute(whole);
    synchronized (this) {
      try {
        while (spans > 0) {
          if (cancelled) {
            awaitStoppedSpans();
            break;
          }
          wait();
        }
      } catch (InterruptedException e) {
        var interrupted =
            new InterruptedIOException(
                "interrupted while copying " + source.entry().path() + " in parts");
        if (failure == null) {
          failure = interrupted;
        }
        awaitStoppedSpans();
        Thread.currentThread().interrupt();
        throw interrupted;
      }
      if (failure != null) {
        throw rethrown(failure);
      }
      return new RetryPolicy.Result<>(List.of(parts), attempts);
    }
  }

  /**
   * Stops the copy as an interrupt of the thread waiting in {@link #run} would: no part starts
   * after the ones being written, and {@link #run} throws once they end, or after {@link
   * #STOP_WAIT_MILLIS}.
   */
  synchronized void cancel() {
    cancelled = true;
    if (failure == null) {
      failure =
          new InterruptedIOException(
              "the export was interrupted while copying " + source.entry().path() + " in parts");
    }
    notifyAll();
  }

  /** Waits, holding this, for every span to stop, up to {@link #STOP_WAIT_MILLIS}. */
  private void awaitStoppedSpans() {
    long deadline = System.nanoTime() + STOP_WAIT_MILLIS * 1_000_000;
    while (spans > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      try {
        wait(Math.max(1, left / 1_000_000));
      } catch (InterruptedException again) {
        // Already stopping for the first one; the caller's flag is set again on return.
      }
    }
  }

  private static IOException rethrown(Throwable failure) {
    if (failure instanceof IOException io) {
      return io;
    }
    if (failure instanceof RuntimeException re) {
      throw re;
    }
    if (failure instanceof Error error) {
      throw error;
    }
    return new IOException(failure);
  }

  /**
   * The next part {@code span} writes, or -1 when it is done (or another span failed). Splits the
   * span first when the object may have one more.
   */
  private int claim(Span span) {
    Span split = null;
    int part;
    synchronized (this) {
      if (failure != null || span.next >= span.end) {
        return -1;
      }
      part = span.next++;
      int left = span.end - part;
      if (left >= 2 && mayAddSpan.test(spans)) {
        // Halves of what is left, this part included, so that both end together; the span keeps
        // the front half, towards which its response (if open) already flows.
        int middle = part + (left + 1) / 2;
        split = new Span(middle, span.end);
        span.end = middle;
        spans++;
      }
    }
    if (split != null) {
      try {
        pool.execute(split);
      } catch (RejectedExecutionException e) {
        synchronized (this) {
          span.end = split.end;
          spans--;
        }
      }
    }
    return part;
  }

  private synchronized void finished(Throwable thrown) {
    if (thrown != null && failure == null) {
      failure = thrown;
    }
    spans--;
    notifyAll();
  }

  private synchronized void written(int part, RetryPolicy.Result<UploadedPart> result) {
    parts[part] = result.value();
    attempts = Math.max(attempts, result.attempts());
  }

  private synchronized long endOf(Span span) {
    return Math.min(size, span.end * partSize);
  }

  /** Parts [first, end) read through one response; {@code end} falls when the span splits. */
  private final class Span implements Runnable {
    // Guarded by the enclosing SpanCopy.
    private int next;
    private int end;

    /** The open response, at the start of the next part; only this span's thread touches it. */
    private InputStream response;

    Span(int first, int end) {
      this.next = first;
      this.end = end;
    }

    @Override
    public void run() {
      Throwable thrown = null;
      try {
        for (int part = claim(this); part >= 0; part = claim(this)) {
          written(part, write(part));
          if (part == parts.length - 1) {
            requireEnd();
          }
        }
      } catch (IOException | RuntimeException | Error e) {
        thrown = e;
      } finally {
        // A response read to its end has given its connection back already; one left early (the
        // span split after it was opened, or failed) is dropped here.
        dropResponse(thrown);
        finished(thrown);
      }
    }

    private RetryPolicy.Result<UploadedPart> write(int part) throws IOException {
      long offset = part * partSize;
      long length = Math.min(partSize, size - offset);
      return retry.run(
          () -> {
            synchronized (SpanCopy.this) {
              if (failure != null) {
                // Another span failed for good, or the copy was cancelled: the upload is aborted.
                throw new InterruptedIOException("part " + (part + 1) + " not tried again");
              }
            }
            try {
              if (response == null) {
                long end = endOf(this);
                // The span that reaches the object's end reads on past it: a source longer than
                // lakeFS records must show it there (requireEnd), not be cut at the recorded size.
                response = source.reader().open(offset, end == size ? -1 : end - offset);
              }
              PartSlice slice = PartSlice.of(response, length);
              UploadedPart written = upload.writePart(part + 1, slice, length);
              if (slice.remaining() != 0) {
                throw new IOException(
                    "part "
                        + (part + 1)
                        + " of "
                        + upload.location()
                        + " was written from "
                        + (length - slice.remaining())
                        + " of its "
                        + length
                        + " bytes");
              }
              return written;
            } catch (IOException | RuntimeException e) {
              // Where the response stands is unknown now: the next attempt opens a new one.
              dropResponse(e);
              throw e;
            }
          });
    }

    /**
     * After the object's last part, read from a response opened to the source's end: the source
     * must end there too. Not retried: a longer source stays longer; the upload is aborted.
     */
    private void requireEnd() throws IOException {
      if (response != null && response.read() >= 0) {
        throw source.longerThanRecorded();
      }
    }

    private void dropResponse(Throwable cause) {
      if (response == null) {
        return;
      }
      try {
        response.close();
      } catch (IOException e) {
        if (cause != null) {
          cause.addSuppressed(e);
        }
      } finally {
        response = null;
      }
    }
  }
}
