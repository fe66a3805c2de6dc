package io.lakeexporter.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeexporter.ExportResult;
import io.lakeexporter.copy.CopyStrategy;
import io.lakeexporter.emulator.LakeFsEmulator;
import io.lakeexporter.report.ActionOutcome;
import io.lakeexporter.source.LakeFsConfig;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.StorageRegistry;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.storage.s3.S3ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Spark in local mode on S3 (S3Proxy): server-side copies, and a large object's parts as tasks. */
class SparkS3ExportTest {

  private static SparkSession spark;
  private static StorageRegistry storage;
  private static LakeFsEmulator emulator;
  private static Map<String, String> settings;

  @BeforeAll
  static void start() throws IOException {
    S3ProxyServer s3 = S3ProxyServer.shared();
    s3.createBucket("spark-lake");
    s3.createBucket("spark-export");
    spark = LocalSpark.session("lakefs-export-s3-test");
    settings = new HashMap<>(s3.settings().asMap());
    settings.put("s3.multipart.threshold", "6MiB");
    storage = StorageRegistry.discover(StorageSettings.of(settings));
    emulator = LakeFsEmulator.builder().storage(storage).start();
  }

  @AfterAll
  static void stop() throws IOException {
    spark.stop();
    emulator.close();
    storage.close();
  }

  /** The HEAD of {@code repository}'s main branch exported with 5 MiB parts above 6 MiB. */
  private static ExportResult export(
      String repository, String destination, Map<String, String> storageSettings) {
    return SparkExporter.builder()
        .spark(spark)
        .lakeFs(
            LakeFsConfig.builder()
                .apiUrl(emulator.apiUrl())
                .accessKeyId(emulator.accessKeyId())
                .secretAccessKey(emulator.secretAccessKey())
                .build())
        .repository(repository)
        .destination(destination)
        .storageSettings(storageSettings)
        .multipartThreshold(6L << 20)
        .partSize(5L << 20)
        .build()
        .exportAllFromBranch("main");
  }

  /**
   * The settings with the export bucket in a region of its own, so that nothing is copied into it
   * from the lake's bucket server-side.
   */
  private static Map<String, String> exportBucketInAnotherRegion() {
    var own = new HashMap<>(settings);
    own.put("s3.bucket.spark-export.region", "eu-west-1");
    return own;
  }

  @Test
  void s3ToLocalWithPartTasksAndS3ToS3ServerSide() throws IOException {
    emulator.createRepository("sparks3", "s3://spark-lake/sparks3", "main");
    byte[] big = new byte[12 << 20];
    new Random(9).nextBytes(big);
    emulator.putObject(
        "sparks3", "main", "big/blob.bin", big, "application/octet-stream", Map.of());
    emulator.putObject(
        "sparks3", "main", "t/part-0.csv", new byte[] {1, 2, 3}, "text/csv", Map.of());
    emulator.putObject("sparks3", "main", "t/_SUCCESS", new byte[0], "", Map.of());
    emulator.commit("sparks3", "main", "load");

    // To another bucket on the same S3: every copy server-side, the large one (above the
    // multipart threshold) too.
    ExportResult toS3 = export("sparks3", "s3://spark-export/sparks3/", settings);
    assertThat(toS3.succeeded()).as(toS3.failures().toString()).isTrue();
    assertThat(toS3.copiedBy(CopyStrategy.SERVER_SIDE)).isEqualTo(3);
    Location copy = Location.parse("s3://spark-export/sparks3/big/blob.bin");
    try (InputStream in = storage.storeFor(copy).read(copy, 0, -1)) {
      assertThat(in.readAllBytes()).isEqualTo(big);
    }

    // Into S3 from an S3 source with the large object split into 5 MiB part tasks: the
    // destination bucket has settings of its own (another region), so nothing is copied from the
    // lake's bucket server-side.
    ExportResult parts =
        export("sparks3", "s3://spark-export/parts/", exportBucketInAnotherRegion());
    assertThat(parts.succeeded()).as(parts.failures().toString()).isTrue();
    assertThat(parts.copiedBy(CopyStrategy.PARALLEL_PARTS)).isEqualTo(1);
    Location split = Location.parse("s3://spark-export/parts/big/blob.bin");
    try (InputStream in = storage.storeFor(split).read(split, 0, -1)) {
      assertThat(in.readAllBytes()).isEqualTo(big);
    }
    assertThat(storage.storeFor(split).stat(split).etag()).as("a multipart ETag").endsWith("-3");
  }

  /**
   * A key S3 would refuse is refused by name, whether an executor copies it whole or the driver
   * would start its upload for part tasks.
   */
  @Test
  void aKeyS3WouldRefuseIsRefusedByNameInBothWaysOfCopying() throws IOException {
    emulator.createRepository("sparknames", "s3://spark-lake/sparknames", "main");
    byte[] big = new byte[12 << 20];
    String longSmall = "long/" + "s".repeat(1020);
    String longBig = "long/" + "b".repeat(1020);
    emulator.putObject("sparknames", "main", longSmall, new byte[] {1}, "", Map.of());
    emulator.putObject("sparknames", "main", longBig, big, "", Map.of());
    emulator.putObject("sparknames", "main", "short.csv", new byte[] {2}, "text/csv", Map.of());
    emulator.commit("sparknames", "main", "long keys");
    ExportResult result =
        export("sparknames", "s3://spark-export/names/", exportBucketInAnotherRegion());
    assertThat(result.copied()).isEqualTo(1);
    assertThat(result.failures())
        .extracting(ActionOutcome::path)
        .containsExactlyInAnyOrder(longSmall, longBig);
    assertThat(result.failures())
        .allSatisfy(
            f ->
                assertThat(f.error())
                    .startsWith("refused key '" + f.path() + "': ")
                    .contains("S3 takes keys of up to 1,024 bytes in UTF-8"));
  }
}
