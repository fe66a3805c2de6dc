package io.lakeexporter.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeexporter.DestinationUnavailableException;
import io.lakeexporter.ExportResult;
import io.lakeexporter.Exporter;
import io.lakeexporter.InvalidExportException;
import io.lakeexporter.copy.CopyStrategy;
import io.lakeexporter.copy.RetryPolicy;
import io.lakeexporter.source.LakeFsClient;
import io.lakeexporter.source.LakeFsConfig;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectMetadata;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.StorageRegistry;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.storage.s3.S3ProxyServer;
import io.lakeexporter.testing.ServerProcess;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** End to end on S3 (S3Proxy). */
class S3ExportTest extends CloudExportTest {

  @BeforeAll
  static void startS3() throws IOException {
    S3ProxyServer s3 = S3ProxyServer.shared();
    s3.createBucket("lake");
    s3.createBucket("export");
    start(
        s3.settings()
            .overlay(
                StorageSettings.of(
                    Map.of(
                        "s3.multipart.threshold", "6MiB",
                        "s3.copy.multipart-threshold", "8MiB",
                        "s3.copy.part-size", "5MiB"))));
  }

  @Override
  void createBucket(String bucket) {
    S3ProxyServer.shared().createBucket(bucket);
  }

  @Override
  void deleteBucket(String bucket) {
    S3ProxyServer.shared().deleteBucket(bucket);
  }

  @Override
  String namespacePrefix() {
    return "s3://lake/";
  }

  @Override
  String otherSpelling(String location) {
    return location.replaceFirst("^s3://", "s3a://");
  }

  /** S3 keeps any key of up to 1,024 bytes as it is; S3Proxy answers a longer one with a 500. */
  @Override
  Map<String, String> keysRefusedByName() {
    return Map.of("long/" + "k".repeat(1020), "S3 takes keys of up to 1,024 bytes in UTF-8");
  }

  @Override
  String destination(String name) {
    return "s3://export/" + name;
  }

  @Test
  void largeObjectsAreCopiedByUploadPartCopy() throws IOException {
    String repo = repository(namespacePrefix());
    String root = destination("parts-" + repo);
    try (Exporter exporter =
        Exporter.builder()
            .lakeFs(client)
            .repository(repo)
            .destination(root)
            .storage(storage)
            .build()) {
      ExportResult result = exporter.exportAllFromBranch("main");
      assertThat(result.succeeded()).isTrue();
    }
    Location big = Location.parse(root + "/big/large.bin");
    assertThat(storage.storeFor(big).stat(big).etag()).as("multipart ETag").contains("-");
  }

  /**
   * A secret that does not match the access key fails every request: refused before anything is
   * copied, naming the bucket and S3's answer, rather than once per key and then the status file.
   */
  @Test
  void credentialsTheDestinationDoesNotTakeAreRefusedBeforeAnythingIsCopied() throws IOException {
    String repo = repository(namespacePrefix());
    String destination = destination("refused-" + repo);
    try (var wrongSecret =
        StorageRegistry.discover(
            S3ProxyServer.shared()
                .settings()
                .overlay(
                    StorageSettings.of(Map.of("s3.secret-access-key", "WRONG-SECRET-CANARY"))))) {
      Exporter.Builder builder =
          Exporter.builder()
              .lakeFs(client)
              .repository(repo)
              .destination(destination)
              .storage(wrongSecret);
      try (Exporter exporter = builder.build()) {
        assertThatThrownBy(() -> exporter.exportAllFromBranch("main"))
            .isInstanceOf(InvalidExportException.class)
            .hasMessageStartingWith("cannot export to " + Location.parse(destination) + ": ")
            .hasMessageContaining("refused the credentials for bucket 'export' (403")
            .hasMessageContaining("SignatureDoesNotMatch")
            .hasMessageNotContaining("WRONG-SECRET-CANARY");
      }
      // A dry run, which writes nothing, counts all the same: it may size an export from anywhere.
      try (Exporter dryRun = builder.dryRun(true).build()) {
        assertThat(dryRun.exportAllFromBranch("main").status())
            .isEqualTo(ExportResult.Status.PLANNED);
      }
    }
    try (var listed =
        storage.storeFor(Location.parse(destination)).list(Location.parse(destination))) {
      assertThat(listed).as("nothing written").isEmpty();
    }
  }

  /**
   * An endpoint where nothing listens fails the export before anything is listed or copied, after
   * as many tries as a copy would take, naming the endpoint: not every key after as many attempts
   * each, then the status file. A dry run, which writes nothing, counts all the same.
   */
  @Test
  void aDestinationThatCannotBeReachedIsSaidSoBeforeAnythingIsCopied() throws IOException {
    String repo = repository(namespacePrefix());
    String closed = "http://127.0.0.1:" + ServerProcess.freePort();
    long pages = emulator.listingPagesServed();
    try (var unreachable =
        StorageRegistry.discover(
            S3ProxyServer.shared()
                .settings()
                .overlay(StorageSettings.of(Map.of("s3.endpoint", closed))))) {
      Exporter.Builder builder =
          Exporter.builder()
              .lakeFs(client)
              .repository(repo)
              .destination("s3://export/unreachable/")
              .storage(unreachable)
              .retry(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(10)));
      try (Exporter exporter = builder.build()) {
        assertThatThrownBy(() -> exporter.exportAllFromBranch("main"))
            .isInstanceOf(DestinationUnavailableException.class)
            .hasMessageStartingWith(
                "cannot export to s3://export/unreachable/: its store could not be reached (2"
                    + " attempts): ")
            .hasMessageContaining(closed)
            .hasMessageContaining("the connection was refused");
      }
      assertThat(emulator.listingPagesServed()).as("nothing was listed").isEqualTo(pages);
      try (Exporter dryRun = builder.dryRun(true).build()) {
        ExportResult planned = dryRun.exportAllFromBranch("main");
        assertThat(planned.status()).isEqualTo(ExportResult.Status.PLANNED);
        assertThat(planned.copied()).isEqualTo(expected().size());
      }
    }
  }

  @Test
  void theAutoSourceModeWithoutCredentialsForTheSourceSaysHowToDoWithout() throws IOException {
    String repo = repository(namespacePrefix());
    try (var hidden = S3ProxyServer.noDefaultCredentials();
        var storageWithoutKeys =
            StorageRegistry.discover(S3ProxyServer.shared().settingsWithoutKeys());
        Exporter exporter =
            Exporter.builder()
                .lakeFs(client)
                .repository(repo)
                .destination(out.toUri().toString())
                .storage(storageWithoutKeys)
                .build()) {
      assertThat(System.getenv("AWS_ACCESS_KEY_ID")).as("a build without AWS variables").isNull();
      ExportResult result = exporter.exportAllFromBranch("main");
      assertThat(result.succeeded()).isFalse();
      assertThat(result.failures())
          .isNotEmpty()
          .allSatisfy(
              f ->
                  assertThat(f.error())
                      .contains("no AWS credentials found")
                      .contains("the presigned or lakefs source mode reads through lakeFS"));
    }
  }

  /**
   * On S3 an object written in one piece has the MD5 of its bytes for ETag, which decides before
   * the lakeFS checksum an object carries: the same bytes another tool wrote are left, other bytes
   * under a copied recorded checksum are copied again.
   */
  @Test
  void skippingIdenticalObjectsAnEtagThatIsAnMd5Decides() throws IOException {
    String repo = repository(namespacePrefix());
    String root = destination("etag-" + repo) + "/";
    ObjectStore store = storage.storeFor(Location.parse(root));
    try (Exporter exporter = exporter(repo, root).skipIdentical(true).build()) {
      assertThat(exporter.exportAllFromBranch("main").succeeded()).isTrue();
      Location sameBytes = Location.parse(root + "hash/x#1.csv");
      byte[] same = bytes("hash/x#1.csv");
      store.write(sameBytes, new ByteArrayInputStream(same), same.length, ObjectMetadata.EMPTY);
      Location parquet = Location.parse(root + "data/part-0.parquet");
      ObjectMetadata recorded = store.stat(parquet).metadata();
      assertThat(recorded.userMetadata()).containsKey(ObjectMetadata.LAKEFS_CHECKSUM_KEY);
      store.write(parquet, new ByteArrayInputStream(bytes("q0")), 2, recorded);
      ExportResult again = exporter.exportAllFromBranch("main");
      assertThat(again.succeeded()).as(again.failures().toString()).isTrue();
      assertThat(again.copiedBy(CopyStrategy.ALREADY_THERE)).isEqualTo(expected().size() - 1);
      assertThat(again.bytes()).isEqualTo(2);
    }
    assertThat(read(Location.parse(root + "data/part-0.parquet"))).isEqualTo(bytes("p0"));
  }

  /**
   * An S3 endpoint given as lakeFS's (a common slip: lakeFS's own S3 gateway) answers in XML; its
   * 403 says nothing of the keys, so the endpoint is named as not lakeFS's API instead.
   */
  @Test
  void anS3EndpointGivenForLakeFsIsNamedAsNotLakeFsApi() {
    String endpoint = S3ProxyServer.shared().endpoint();
    try (var notLakeFs =
        LakeFsClient.create(
            LakeFsConfig.builder()
                .apiUrl(endpoint)
                .accessKeyId("AKIAEXAMPLE")
                .secretAccessKey("secret")
                .build())) {
      assertThatThrownBy(() -> notLakeFs.resolveBranch("repo", "main"))
          .isInstanceOf(InvalidExportException.class)
          .hasMessageMatching(
              "lakeFS at \\Q"
                  + endpoint
                  + "\\E/?api/v1 answered 4\\d\\d with XML, as an S3 endpoint answers \\(lakeFS's S3"
                  + " gateway among them\\), not lakeFS's API: give lakeFS's own address.*");
    }
  }
}
