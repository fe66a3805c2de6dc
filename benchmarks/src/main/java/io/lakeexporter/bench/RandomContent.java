package io.lakeexporter.bench;

import java.io.InputStream;
import java.util.SplittableRandom;

/**
 * {@code size} incompressible bytes from a seed, generated as they are read: large objects never
 * sit in memory, and the same seed always gives the same bytes.
 */
final class RandomContent extends InputStream {

  private final SplittableRandom random;
  private long remaining;
  private long word;
  private int wordBytes;

  RandomContent(long seed, long size) {
    this.random = new SplittableRandom(seed);
    this.remaining = size;
  }

  @Override
  public int read() {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (remaining == 0) {
      return -1;
    }
    int n = (int) Math.min(len, remaining);
    for (int i = 0; i < n; i++) {
      if (wordBytes == 0) {
        word = random.nextLong();
        wordBytes = 8;
      }
      b[off + i] = (byte) word;
      word >>>= 8;
      wordBytes--;
    }
    remaining -= n;
    return n;
  }
}
