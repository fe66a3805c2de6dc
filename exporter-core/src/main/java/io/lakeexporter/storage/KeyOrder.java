package io.lakeexporter.storage;

/**
 * The order lakeFS and object stores list keys in: that of their UTF-8 bytes, which is the order of
 * their code points. Java's {@link String#compareTo} compares UTF-16 chars instead, and puts a
 * character beyond U+FFFF (an emoji, stored as two surrogates from U+D800) before one from U+E000
 * to U+FFFF, where UTF-8 puts it after.
 */
public final class KeyOrder {

  private KeyOrder() {}

  /** Negative, zero or positive as {@code a} lists before, with or after {@code b}. */
  public static int compare(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
