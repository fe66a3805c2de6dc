package io.lakeexporter.storage.s3.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/** Signatures compared with the AWS SDK's own SigV4 signer for the same request and instant. */
class SigV4Test {

  private static final Instant NOW = Instant.parse("2026-11-26T04:05:06Z");

  /** One signer for every case: its cached key, date and MACs must not leak between requests. */
  private static final SigV4 SIGNER = new SigV4("eu-west-3", "s3");

  @ParameterizedTest
  @CsvSource({
    "PUT, dst, plain/key.bin, ''",
    "GET, src, dir with space/ü+=%~'!.parquet, token-123",
    "HEAD, my.bucket, a//b/./c, ''",
  })
  void signsAsTheSdkDoes(String method, String bucket, String key, String token) {
    var credentials = new SigV4.Credentials("AKIDEXAMPLE", "secret/with+chars", token);
    String path = "/" + bucket + "/" + SigV4.encode(key, true);
    var headers = new TreeMap<String, String>();
    headers.put("x-amz-copy-source", "/src/" + SigV4.encode(key, true));
    headers.put("x-amz-meta-lakefs-checksum", "abc");
    headers.put("content-type", "application/octet-stream");

    assertSignedAsTheSdkSigns(method, path, headers, credentials);
  }

  /**
   * SigV4 signs a header value with each run of whitespace inside it as one space: metadata with
   * two spaces in a row, signed as it travels, is refused by S3 as SignatureDoesNotMatch.
   */
  @ParameterizedTest
  @ValueSource(strings = {"two  spaces", "  around and   inside  ", "tab\tand \t mixed", "a\t\tb"})
  void signsHeaderValuesWithRunsOfWhitespaceAsTheSdkDoes(String value) {
    var credentials = new SigV4.Credentials("AKIDEXAMPLE", "secret/with+chars", "");
    var headers = new TreeMap<String, String>();
    headers.put("x-amz-meta-note", value);
    headers.put("content-type", "text/plain;  charset=utf-8");

    assertSignedAsTheSdkSigns("PUT", "/dst/k", headers, credentials);
  }

  /** Signs {@code headers} (and a host) with {@link #SIGNER} and with the SDK's signer. */
  private static void assertSignedAsTheSdkSigns(
      String method, String path, TreeMap<String, String> headers, SigV4.Credentials credentials) {
    var sdkRequest =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.fromValue(method))
            .uri(URI.create("http://127.0.0.1:9000" + path));
    headers.forEach(sdkRequest::putHeader);
    headers.put("host", "127.0.0.1:9000");
    SIGNER.sign(method, path, "", headers, SigV4.EMPTY_PAYLOAD_SHA256, credentials, NOW);

    String token = credentials.sessionToken();
    AwsCredentialsIdentity identity =
        token.isEmpty()
            ? AwsCredentialsIdentity.create(
                credentials.accessKeyId(), credentials.secretAccessKey())
            : AwsSessionCredentialsIdentity.create(
                credentials.accessKeyId(), credentials.secretAccessKey(), token);
    var signed =
        AwsV4HttpSigner.create()
            .sign(
                r ->
                    r.identity(identity)
                        .request(sdkRequest.build())
                        .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "s3")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, "eu-west-3")
                        .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
                        .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
                        .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, true)
                        .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(NOW, ZoneOffset.UTC)));

    assertThat(headers.get("authorization"))
        .isEqualTo(signed.request().firstMatchingHeader("Authorization").orElseThrow());
    assertThat(headers.get("x-amz-date"))
        .isEqualTo(signed.request().firstMatchingHeader("X-Amz-Date").orElseThrow());
    if (!token.isEmpty()) {
      assertThat(headers).containsEntry("x-amz-security-token", token);
    }
  }

  @Test
  void encodesEveryByteButTheUnreservedOnes() {
    assertThat(SigV4.encode("a b/c+d=é~_.-", true)).isEqualTo("a%20b/c%2Bd%3D%C3%A9~_.-");
    assertThat(SigV4.encode("a/b", false)).isEqualTo("a%2Fb");
  }

  @Test
  void aCachedSigningKeyServesOnlyTheCredentialsItWasDerivedFrom() {
    var signer = new SigV4("eu-west-3", "s3");
    String first = authorization(signer, new SigV4.Credentials("AKID", "secret-1", ""));
    assertThat(authorization(signer, new SigV4.Credentials("AKID", "secret-1", "")))
        .isEqualTo(first);
    assertThat(authorization(signer, new SigV4.Credentials("AKID", "secret-2", "")))
        .isNotEqualTo(first)
        .isEqualTo(
            authorization(
                new SigV4("eu-west-3", "s3"), new SigV4.Credentials("AKID", "secret-2", "")));
    assertThat(new SigV4.Credentials("AKID", "secret-1", "token"))
        .isEqualTo(new SigV4.Credentials("AKID", "secret-1", "token"))
        .hasSameHashCodeAs(new SigV4.Credentials("AKID", "secret-1", "token"))
        .isNotEqualTo(new SigV4.Credentials("AKID", "secret-1", "other"))
        .isNotEqualTo(new SigV4.Credentials("AKID2", "secret-1", "token"));
  }

  private static String authorization(SigV4 signer, SigV4.Credentials credentials) {
    var headers = new TreeMap<String, String>();
    headers.put("host", "127.0.0.1:9000");
    signer.sign("GET", "/b/k", "", headers, SigV4.EMPTY_PAYLOAD_SHA256, credentials, NOW);
    return headers.get("authorization");
  }

  @Test
  void credentialsNeverPrintTheSecret() {
    assertThat(new SigV4.Credentials("AKID", "s3cr3t", "t0ken").toString())
        .contains("AKID")
        .doesNotContain("s3cr3t")
        .doesNotContain("t0ken");
  }
}
