package io.lakeexporter.storage.s3.wire;

import java.security.MessageDigest;

/**
 * HMAC-SHA256 (RFC 2104) over a {@link MessageDigest}, for one thread. {@code javax.crypto.Mac}
 * computes the same, but its first use in a JVM sets up the JCE's jurisdiction policy (the policy
 * directory listed, its files parsed): 30-48 ms of a fresh JVM here, 21 ms of an export's start,
 * spent right before its first S3 request could be signed. A digest needs none of that, and the
 * security providers are loaded by then anyway.
 */
final class HmacSha256 {
  private static final int BLOCK = 64;

  private final MessageDigest digest;
  private final byte[] innerPad = new byte[BLOCK];
  private final byte[] outerPad = new byte[BLOCK];

  /** The key the pads were made from, by identity: a new key comes once a day. */
  private byte[] key;

  /**
   * @param digest a SHA-256 digest this HMAC alone uses
   */
  HmacSha256(MessageDigest digest) {
    this.digest = digest;
  }

  byte[] mac(byte[] key, byte[] data) {
    if (key != this.key) {
      byte[] block = key.length > BLOCK ? digest.digest(key) : key;
      for (int i = 0; i < BLOCK; i++) {
        byte b = i < block.length ? block[i] : 0;
        innerPad[i] = (byte) (b ^ 0x36);
        outerPad[i] = (byte) (b ^ 0x5c);
      }
      this.key = key;
    }
    digest.update(innerPad);
    digest.update(data);
    byte[] inner = digest.digest();
    digest.update(outerPad);
    digest.update(inner);
    return digest.digest();
  }
}
