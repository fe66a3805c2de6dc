package io.lakeexporter.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeexporter.ExportResult;
import io.lakeexporter.Exporter;
import io.lakeexporter.InvalidExportException;
import io.lakeexporter.copy.CopyStrategy;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.storage.gcs.FakeGcsServer;
import io.lakeexporter.storage.s3.S3ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** End to end on Google Cloud Storage (fake-gcs-server), and from S3 (S3Proxy) into it. */
class GcsExportTest extends CloudExportTest {

  @BeforeAll
  static void startGcs() throws IOException {
    FakeGcsServer gcs = FakeGcsServer.shared();
    gcs.createBucket("lake");
    gcs.createBucket("export");
    S3ProxyServer.shared().createBucket("s3-for-gcs");
    start(
        gcs.settings()
            .overlay(S3ProxyServer.shared().settings())
            .overlay(StorageSettings.of(Map.of("gcs.upload.threshold", "1MiB"))));
  }

  @Override
  void createBucket(String bucket) {
    FakeGcsServer.shared().createBucket(bucket);
  }

  @Override
  void deleteBucket(String bucket) {
    FakeGcsServer.shared().deleteBucket(bucket);
  }

  @Override
  boolean metadataInHeaders() {
    return false;
  }

  @Override
  String namespacePrefix() {
    return "gs://lake/";
  }

  /** fake-gcs-server keeps these as written; Cloud Storage refuses them. */
  @Override
  Map<String, String> keysRefusedByName() {
    return Map.of(
        "named/a\nb",
        "a carriage return or a line feed",
        "long/" + "k".repeat(1020),
        "object names of up to 1,024 bytes in UTF-8");
  }

  @Override
  String destination(String name) {
    return "gs://export/" + name;
  }

  @Override
  boolean presignSupported() {
    return false;
  }

  @Override
  StorageSettings withoutCredentials() {
    return StorageSettings.of(
        Map.of("gcs.endpoint", FakeGcsServer.shared().endpoint(), "gcs.no-auth", "true"));
  }

  /** A bucket name Cloud Storage never gives is refused before anything is listed or sent. */
  @Test
  void aBucketNameCloudStorageNeverGivesIsRefusedFirst() throws IOException {
    String repo = repository(namespacePrefix());
    long pages = emulator.listingPagesServed();
    try (Exporter exporter = exporter(repo, "gs://Bad_Bucket/export").build()) {
      assertThatThrownBy(() -> exporter.exportAllFromBranch("main"))
          .isInstanceOf(InvalidExportException.class)
          .hasMessageStartingWith("cannot export to gs://Bad_Bucket/export")
          .hasMessageContaining("'Bad_Bucket' is not a Cloud Storage bucket name");
    }
    assertThat(emulator.listingPagesServed()).as("nothing was listed").isEqualTo(pages);
  }

  @Test
  void s3ToGcsStreamsWithParallelParts() throws IOException {
    String repo = repository("s3://s3-for-gcs/");
    String root = destination("from-s3-" + repo);
    ExportResult result;
    try (Exporter exporter =
        Exporter.builder()
            .lakeFs(client)
            .repository(repo)
            .destination(root)
            .storage(storage)
            .multipartThreshold(8L << 20)
            .partSize(5L << 20)
            .build()) {
      result = exporter.exportAllFromBranch("main");
    }
    assertThat(result.succeeded()).as(result.failures().toString()).isTrue();
    assertThat(result.copiedBy(CopyStrategy.PARALLEL_PARTS)).isEqualTo(1);
    assertThat(result.copiedBy(CopyStrategy.SERVER_SIDE)).isZero();
    Location big = Location.parse(root + "/big/large.bin");
    try (InputStream in = storage.storeFor(big).read(big, 0, -1)) {
      assertThat(in.readAllBytes()).isEqualTo(large);
    }
  }
}
