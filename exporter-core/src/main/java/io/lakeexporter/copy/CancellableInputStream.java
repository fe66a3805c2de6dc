package io.lakeexporter.copy;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.function.BooleanSupplier;

/**
 * A whole copy's source, which fails its next read once the export is cancelled: the write it feeds
 * then fails as a cut-off source fails it, leaving nothing at the target (a local temporary file is
 * removed, an S3, Azure or GCS write of fewer bytes than announced is not kept). On a slow link the
 * copies under way would otherwise run past the grace a signal leaves for the status file.
 */
final class CancellableInputStream extends FilterInputStream {
  private final BooleanSupplier cancelled;
  private final String what;

  CancellableInputStream(InputStream in, BooleanSupplier cancelled, String what) {
    super(in);
    this.cancelled = cancelled;
    this.what = what;
  }

  @Override
  public int read() throws IOException {
    requireNotCancelled();
    return super.read();
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    requireNotCancelled();
    return super.read(b, off, len);
  }

  @Override
  public long skip(long n) throws IOException {
    requireNotCancelled();
    return super.skip(n);
  }

  private void requireNotCancelled() throws InterruptedIOException {
    if (cancelled.getAsBoolean()) {
      throw new InterruptedIOException("the export was interrupted while copying " + what);
    }
  }
}
