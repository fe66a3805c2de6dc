package io.lakeexporter.copy;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.function.BooleanSupplier;

/**
 * A whole copy's source, which fails its next read once the export is cancelled, until it has given
 * all its bytes: the write it feeds then fails as a cut-off source fails it, leaving nothing at the
 * target (a local temporary file is removed, an S3, Azure or GCS write of fewer bytes than
 * announced is not kept). On a slow link the copies under way would otherwise run past the grace a
 * signal leaves for the status file. Once every byte is read it no longer fails: a store may read
 * again after it has kept the object (Azure asks whether the source ends there), and a copy kept at
 * the destination must not be counted failed.
 */
final class CancellableInputStream extends FilterInputStream {
  private final BooleanSupplier cancelled;
  private final String what;
  private long unread;

  CancellableInputStream(InputStream in, long size, BooleanSupplier cancelled, String what) {
    super(in);
    this.unread = size;
    this.cancelled = cancelled;
    this.what = what;
  }

  @Override
  public int read() throws IOException {
    requireNotCancelled();
    int b = super.read();
    if (b >= 0) {
      unread--;
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    requireNotCancelled();
    int n = super.read(b, off, len);
    if (n > 0) {
      unread -= n;
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    requireNotCancelled();
    long skipped = super.skip(n);
    unread -= skipped;
    return skipped;
  }

  private void requireNotCancelled() throws InterruptedIOException {
    if (unread > 0 && cancelled.getAsBoolean()) {
      throw new InterruptedIOException("the export was interrupted while copying " + what);
    }
  }
}
