package io.lakeexporter.storage.s3.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class HmacSha256Test {
  private static final HexFormat HEX = HexFormat.of();

  private static HmacSha256 newHmac() throws NoSuchAlgorithmException {
    return new HmacSha256(MessageDigest.getInstance("SHA-256"));
  }

  @Test
  void matchesTheRfc4231TestVectors() throws Exception {
    var hmac = newHmac();
    // Test case 1: a 20-byte key.
    byte[] key1 = new byte[20];
    Arrays.fill(key1, (byte) 0x0b);
    assertThat(HEX.formatHex(hmac.mac(key1, "Hi There".getBytes(StandardCharsets.US_ASCII))))
        .isEqualTo("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    // Test case 2: a key shorter than the block.
    assertThat(
            HEX.formatHex(
                hmac.mac(
                    "Jefe".getBytes(StandardCharsets.US_ASCII),
                    "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII))))
        .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    // Test case 6: a key longer than the block, hashed first.
    byte[] key6 = new byte[131];
    Arrays.fill(key6, (byte) 0xaa);
    assertThat(
            HEX.formatHex(
                hmac.mac(
                    key6,
                    "Test Using Larger Than Block-Size Key - Hash Key First"
                        .getBytes(StandardCharsets.US_ASCII))))
        .isEqualTo("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  }

  @Test
  void agreesWithTheJdkMacForEveryKeyLengthAroundTheBlock() throws Exception {
    var hmac = newHmac();
    Mac jdk = Mac.getInstance("HmacSHA256");
    var random = new Random(42);
    for (int keyLength : new int[] {1, 31, 32, 63, 64, 65, 128}) {
      byte[] key = new byte[keyLength];
      random.nextBytes(key);
      jdk.init(new SecretKeySpec(key, "HmacSHA256"));
      for (int dataLength : new int[] {0, 1, 55, 64, 1000}) {
        byte[] data = new byte[dataLength];
        random.nextBytes(data);
        // Twice with the same key: the pads made for it are reused.
        assertThat(hmac.mac(key, data)).isEqualTo(jdk.doFinal(data));
        assertThat(hmac.mac(key, data)).isEqualTo(jdk.doFinal(data));
      }
    }
  }
}
