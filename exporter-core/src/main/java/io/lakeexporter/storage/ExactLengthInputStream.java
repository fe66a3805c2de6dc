package io.lakeexporter.storage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes on exactly {@code length} bytes and fails if the source holds fewer or more. Stores hand
 * their clients a declared length; without this a longer source would be cut short silently.
 */
public final class ExactLengthInputStream extends FilterInputStream {
  private final long length;
  private long remaining;
  private final String what;
  private final boolean endFirst;

  /**
   * @param what names the object in messages
   */
  public ExactLengthInputStream(InputStream in, long length, String what) {
    this(in, length, what, false);
  }

  private ExactLengthInputStream(InputStream in, long length, String what, boolean endFirst) {
    super(in);
    this.length = length;
    this.remaining = length;
    this.what = what;
    this.endFirst = endFirst;
  }

  /**
   * As the constructor, but a longer source fails as the last declared bytes are read, before they
   * are handed out: a reader that takes no more than it declared (an upload client, which then
   * completes the object) never asks past them, so the check must not wait for it to.
   */
  public static ExactLengthInputStream endCheckedFirst(InputStream in, long length, String what) {
    return new ExactLengthInputStream(in, length, what, true);
  }

  @Override
  public int read() throws IOException {
    if (remaining == 0) {
      checkEnd();
      return -1;
    }
    int b = super.read();
    if (b < 0) {
      throw tooShort();
    }
    remaining--;
    if (remaining == 0 && endFirst) {
      checkEnd();
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (remaining == 0) {
      checkEnd();
      return -1;
    }
    int n = super.read(b, off, (int) Math.min(len, remaining));
    if (n < 0) {
      throw tooShort();
    }
    remaining -= n;
    if (remaining == 0 && endFirst) {
      checkEnd();
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = super.skip(Math.min(n, remaining));
    remaining -= skipped;
    return skipped;
  }

  @Override
  public int available() throws IOException {
    return (int) Math.min(super.available(), remaining);
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private void checkEnd() throws IOException {
    if (super.read() >= 0) {
      throw new IOException(
          what + ": the source holds more than the declared " + length + " bytes");
    }
  }

  private IOException tooShort() {
    return new IOException(
        what + ": the source ended after " + (length - remaining) + " of " + length + " bytes");
  }
}
