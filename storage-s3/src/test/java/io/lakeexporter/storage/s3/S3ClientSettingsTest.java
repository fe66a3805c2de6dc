package io.lakeexporter.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeexporter.storage.StorageSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class S3ClientSettingsTest {

  @Test
  void hadoopS3aKeysAreUnderstood() {
    var s =
        StorageSettings.of(
            Map.of(
                "fs.s3a.endpoint", "minio.local:9000",
                "fs.s3a.access.key", "AK",
                "fs.s3a.secret.key", "SK",
                "fs.s3a.path.style.access", "true",
                "fs.s3a.endpoint.region", "eu-west-1"));
    S3ClientSettings c = S3ClientSettings.forBucket(s, "any");
    assertThat(c.endpoint()).isEqualTo("https://minio.local:9000");
    assertThat(c.region()).isEqualTo("eu-west-1");
    assertThat(c.pathStyle()).isTrue();
    assertThat(c.accessKeyId()).isEqualTo("AK");
    assertThat(c.secretAccessKey()).isEqualTo("SK");
  }

  @Test
  void projectKeysWinOverS3aKeysAndPerBucketKeysWinOverBoth() {
    var s =
        StorageSettings.of(
            Map.of(
                "fs.s3a.endpoint", "http://s3a-endpoint",
                "s3.endpoint", "http://project-endpoint",
                "fs.s3a.bucket.special.endpoint", "http://special-s3a",
                "s3.bucket.other.endpoint", "http://other-project",
                "fs.s3a.bucket.other.endpoint", "http://other-s3a"));
    assertThat(S3ClientSettings.forBucket(s, "plain").endpoint())
        .isEqualTo("http://project-endpoint");
    assertThat(S3ClientSettings.forBucket(s, "special").endpoint()).isEqualTo("http://special-s3a");
    assertThat(S3ClientSettings.forBucket(s, "other").endpoint()).isEqualTo("http://other-project");
    assertThat(S3ClientSettings.forBucket(s, "plain"))
        .as("buckets without overrides share a client")
        .isEqualTo(S3ClientSettings.forBucket(s, "another"));
    assertThat(S3ClientSettings.forBucket(s, "plain"))
        .isNotEqualTo(S3ClientSettings.forBucket(s, "special"));
  }

  @Test
  void settingsAreEqualOnlyWhenEveryFieldIs() {
    var base = new S3ClientSettings("http://e", "r", true, "AK", "SK", "T", "p");
    assertThat(new S3ClientSettings("http://e", "r", true, "AK", "SK", "T", "p"))
        .isEqualTo(base)
        .hasSameHashCodeAs(base);
    assertThat(
            List.of(
                new S3ClientSettings("http://x", "r", true, "AK", "SK", "T", "p"),
                new S3ClientSettings("http://e", "x", true, "AK", "SK", "T", "p"),
                new S3ClientSettings("http://e", "r", false, "AK", "SK", "T", "p"),
                new S3ClientSettings("http://e", "r", true, "x", "SK", "T", "p"),
                new S3ClientSettings("http://e", "r", true, "AK", "x", "T", "p"),
                new S3ClientSettings("http://e", "r", true, "AK", "SK", "x", "p"),
                new S3ClientSettings("http://e", "r", true, "AK", "SK", "T", "x")))
        .allSatisfy(other -> assertThat(other).isNotEqualTo(base));
  }

  @Test
  void anEndpointWithoutRegionDefaultsToUsEast1() {
    var s = StorageSettings.of(Map.of("s3.endpoint", "http://127.0.0.1:9000"));
    assertThat(S3ClientSettings.forBucket(s, "b").region()).isEqualTo("us-east-1");
    assertThat(S3ClientSettings.forBucket(StorageSettings.EMPTY, "b").region()).isEmpty();
  }

  @Test
  void theSecretNeverShows() {
    var s =
        StorageSettings.of(Map.of("s3.access-key-id", "AKID", "s3.secret-access-key", "hunter2"));
    assertThat(S3ClientSettings.forBucket(s, "b").toString())
        .contains("AKID")
        .doesNotContain("hunter2");
  }

  @Test
  void badBooleansAreRefused() {
    var s = StorageSettings.of(Map.of("fs.s3a.path.style.access", "yes"));
    assertThatThrownBy(() -> S3ClientSettings.forBucket(s, "b"))
        .hasMessageContaining("true or false");
  }

  @Test
  void partSizesKeepUploadsWithinTenThousandParts() {
    long size = 200L << 30; // 200 GiB
    long part = S3ObjectStore.S3_LIMITS.partSizeFor(size, 16L << 20);
    assertThat((size + part - 1) / part).isLessThanOrEqualTo(10_000);
    assertThat(S3ObjectStore.S3_LIMITS.partSizeFor(1L << 20, 1)).isEqualTo(5L << 20);
  }
}
