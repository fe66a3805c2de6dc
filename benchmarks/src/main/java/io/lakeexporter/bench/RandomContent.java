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

  /**
   * Skips without producing the bytes, a word at a time: reading back the last MiB of a 256 MiB
   * object costs its words, not a byte loop over all of them.
   */
  @Override
  public long skip(long n) {
    long toSkip = Math.max(0, Math.min(n, remaining));
    long left = toSkip;
    int fromWord = (int) Math.min(left, wordBytes);
    word >>>= 8 * fromWord;
    wordBytes -= fromWord;
    left -= fromWord;
    for (long words = left / 8; words > 0; words--) {
      random.nextLong();
    }
    left %= 8;
    remaining -= toSkip - left;
    if (left > 0) {
      read(new byte[(int) left], 0, (int) left);
    }
    return toSkip;
  }
}
