package io.lakeexporter.storage.s3.wire;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;

/**
 * AWS Signature Version 4 for requests with no body or a body in memory, as S3 verifies them:
 * header-based, path segments encoded once (S3 does not double-encode), the payload hash sent as
 * {@code x-amz-content-sha256}. The derived signing key is kept for the day it belongs to, and each
 * thread keeps its own HMAC and digest, so a signature costs two hashes and one HMAC.
 */
public final class SigV4 {

  /** SHA-256 of nothing: the payload hash of a request without a body. */
  public static final String EMPTY_PAYLOAD_SHA256 =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final HexFormat HEX = HexFormat.of();
  private static final ThreadLocal<HmacSha256> MACS =
      ThreadLocal.withInitial(() -> new HmacSha256(newDigest()));
  private static final ThreadLocal<MessageDigest> DIGESTS =
      ThreadLocal.withInitial(SigV4::newDigest);

  private final String region;
  private final String service;
  private volatile SigningKey signingKey;
  private volatile Stamp lastStamp;

  /** The key derived from one set of credentials for one day. */
  private record SigningKey(Credentials credentials, String day, byte[] key) {}

  public SigV4(String region, String service) {
    this.region = region;
    this.service = service;
  }

  public String region() {
    return region;
  }

  /**
   * Adds {@code x-amz-date}, {@code x-amz-content-sha256}, {@code x-amz-security-token} (when there
   * is a session token) and {@code authorization} to {@code headers}.
   *
   * @param headers the headers to sign, names in lower case, {@code host} included
   * @param canonicalPath the path as sent, already encoded
   * @param canonicalQuery the query as sent, parameters sorted and encoded; empty for none
   */
  public void sign(
      String method,
      String canonicalPath,
      String canonicalQuery,
      SortedMap<String, String> headers,
      String payloadSha256,
      Credentials credentials,
      Instant now) {
    String amzDate = amzDate(now);
    String day = amzDate.substring(0, 8);
    headers.put("x-amz-date", amzDate);
    headers.put("x-amz-content-sha256", payloadSha256);
    if (!credentials.sessionToken().isEmpty()) {
      headers.put("x-amz-security-token", credentials.sessionToken());
    }
    var canonical = new StringBuilder(512);
    canonical.append(method).append('\n').append(canonicalPath).append('\n');
    canonical.append(canonicalQuery).append('\n');
    var signedHeaders = new StringBuilder(128);
    for (Map.Entry<String, String> header : headers.entrySet()) {
      canonical.append(header.getKey()).append(':');
      appendCanonicalValue(canonical, header.getValue());
      canonical.append('\n');
      if (!signedHeaders.isEmpty()) {
        signedHeaders.append(';');
      }
      signedHeaders.append(header.getKey());
    }
    canonical.append('\n').append(signedHeaders).append('\n').append(payloadSha256);
    String scope = day + "/" + region + "/" + service + "/aws4_request";
    String stringToSign =
        "AWS4-HMAC-SHA256\n"
            + amzDate
            + "\n"
            + scope
            + "\n"
            + HEX.formatHex(
                DIGESTS.get().digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
    String signature = HEX.formatHex(hmac(keyFor(credentials, day), stringToSign));
    headers.put(
        "authorization",
        "AWS4-HMAC-SHA256 Credential="
            + credentials.accessKeyId()
            + "/"
            + scope
            + ", SignedHeaders="
            + signedHeaders
            + ", Signature="
            + signature);
  }

  /**
   * A header value as SigV4 signs it: no whitespace around it, and each run of whitespace inside it
   * as one space. The value still travels as it is; S3 (and the SDK's signer) sign the collapsed
   * form, so metadata with two spaces in a row signed as sent is refused with
   * SignatureDoesNotMatch.
   */
  private static void appendCanonicalValue(StringBuilder out, String value) {
    int start = 0;
    int end = value.length();
    while (start < end && isWhitespace(value.charAt(start))) {
      start++;
    }
    while (end > start && isWhitespace(value.charAt(end - 1))) {
      end--;
    }
    int from = start; // where the text not yet appended begins
    for (int i = start; i < end; i++) {
      if (isWhitespace(value.charAt(i))
          && (value.charAt(i) != ' ' || isWhitespace(value.charAt(i + 1)))) {
        // A tab, or a space that more whitespace follows: one space for the whole run.
        out.append(value, from, i).append(' ');
        while (isWhitespace(value.charAt(i + 1))) {
          i++;
        }
        from = i + 1;
      }
    }
    out.append(value, from, end);
  }

  /** Whitespace as the SDK's signer counts it. */
  private static boolean isWhitespace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\u000b' || c == '\r' || c == '\f';
  }

  /** The hex SHA-256 of a body, as {@code x-amz-content-sha256} carries it. */
  public static String sha256Hex(byte[] body) {
    return HEX.formatHex(DIGESTS.get().digest(body));
  }

  private byte[] keyFor(Credentials credentials, String day) {
    SigningKey cached = signingKey;
    if (cached != null
        && cached.day().equals(day)
        && (cached.credentials() == credentials || cached.credentials().equals(credentials))) {
      return cached.key();
    }
    byte[] key =
        hmac(
            hmac(
                hmac(
                    hmac(
                        ("AWS4" + credentials.secretAccessKey()).getBytes(StandardCharsets.UTF_8),
                        day),
                    region),
                service),
            "aws4_request");
    signingKey = new SigningKey(credentials, day, key);
    return key;
  }

  private static byte[] hmac(byte[] key, String data) {
    return MACS.get().mac(key, data.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code x-amz-date} for {@code now}, formatted once per second. */
  private String amzDate(Instant now) {
    Stamp stamp = lastStamp;
    if (stamp == null || stamp.epochSecond() != now.getEpochSecond()) {
      stamp = new Stamp(now.getEpochSecond(), AMZ_DATE.format(now));
      lastStamp = stamp;
    }
    return stamp.amzDate();
  }

  private record Stamp(long epochSecond, String amzDate) {}

  /**
   * Percent-encodes {@code text} as SigV4 and S3 expect: every byte but the unreserved characters
   * ({@code A-Z a-z 0-9 - _ . ~}), and {@code /} unless {@code keepSlash} is false.
   */
  public static String encode(String text, boolean keepSlash) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    var out = new StringBuilder(bytes.length + 16);
    for (byte b : bytes) {
      int c = b & 0xff;
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.'
          || c == '~'
          || (keepSlash && c == '/')) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        out.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  /**
   * What a request is signed with; {@link #toString()} leaves the secret and token out. Equality is
   * written out, not the record's generated one: that one is linked through method handles on its
   * first call, which the part threads of a large export reached in their second request (a
   * class-loading log showed ~100 lambda forms spun over 137 ms, mid-transfer).
   */
  public record Credentials(String accessKeyId, String secretAccessKey, String sessionToken) {
    @Override
    public boolean equals(Object other) {
      return other instanceof Credentials c
          && accessKeyId.equals(c.accessKeyId)
          && secretAccessKey.equals(c.secretAccessKey)
          && sessionToken.equals(c.sessionToken);
    }

    @Override
    public int hashCode() {
      return (accessKeyId.hashCode() * 31 + secretAccessKey.hashCode()) * 31
          + sessionToken.hashCode();
    }

    @Override
    public String toString() {
      return "Credentials[accessKeyId=" + accessKeyId + "]";
    }
  }
}
