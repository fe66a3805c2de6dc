package io.lakeexporter.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeexporter.ExportResult;
import io.lakeexporter.Exporter;
import io.lakeexporter.InvalidExportException;
import io.lakeexporter.copy.CopyStrategy;
import io.lakeexporter.exec.SourceMode;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.storage.azure.AzuriteServer;
import io.lakeexporter.storage.s3.S3ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** End to end on Azure Blob Storage (Azurite), and from S3 (S3Proxy) into it. */
class AzureExportTest extends CloudExportTest {

  private static AzuriteServer azurite;

  @BeforeAll
  static void startAzure() throws IOException {
    azurite = AzuriteServer.shared();
    azurite.createContainer("lake");
    azurite.createContainer("export");
    S3ProxyServer.shared().createBucket("s3-lake");
    start(
        azurite
            .settings()
            .overlay(S3ProxyServer.shared().settings())
            .overlay(
                StorageSettings.of(
                    Map.of(
                        "azure.upload.threshold", "4MiB",
                        "azure.upload.block-size", "2MiB",
                        "azure.copy.block-threshold", "8MiB",
                        "azure.copy.block-size", "4MiB",
                        // Azurite fetches copy sources from itself only; real Azure needs no such
                        // line.
                        "azure.copy.from-external-urls", "false"))));
  }

  @Override
  void createBucket(String bucket) {
    azurite.createContainer(bucket);
  }

  @Override
  void deleteBucket(String bucket) {
    azurite.deleteContainer(bucket);
  }

  @Override
  String namespacePrefix() {
    return azurite.location("lake", "") + "/";
  }

  /** {@code http://host/<account>/lake/<path>} as {@code abfss://lake@<account>.dfs...}. */
  @Override
  String otherSpelling(String location) {
    String path = location.substring(azurite.location("lake", "").length());
    return "abfss://lake@" + AzuriteServer.ACCOUNT + ".dfs.core.windows.net" + path;
  }

  /**
   * Azurite accepts all of these; Azure would keep the first three under other names and refuse the
   * others.
   */
  @Override
  Map<String, String> keysRefusedByName() {
    return Map.of(
        "named/x.",
        "drops the dots that end a path segment ('x.' here)",
        "named/y/../x",
        "drops the dots that end a path segment ('..' here)",
        "named\\x",
        "reads '\\' in a blob name as '/'",
        "named/a\u0001b",
        "control characters in blob names (U+0001 here)",
        "long/" + "k".repeat(1020),
        "blob names of up to 1,024 characters");
  }

  @Override
  String destination(String name) {
    return azurite.location("export", name);
  }

  @Override
  StorageSettings withoutCredentials() {
    // The endpoint only, so that Azurite's URLs are recognised; no account key.
    return StorageSettings.of(
        Map.of("azure.account." + AzuriteServer.ACCOUNT + ".endpoint", azurite.accountEndpoint()));
  }

  /** A root Azure would keep under another name is refused before anything is copied. */
  @Test
  void aRootAzureWouldKeepUnderAnotherNameIsRefusedFirst() throws IOException {
    String repo = repository(namespacePrefix());
    String root = destination("names.");
    try (Exporter exporter = exporter(repo, root).build()) {
      assertThatThrownBy(() -> exporter.exportAllFromBranch("main"))
          .isInstanceOf(InvalidExportException.class)
          .hasMessage(
              "cannot export to "
                  + Location.parse(root)
                  + ": the azure store would not keep its status file (EXPORT_<commit>_FAILURE)"
                  + " under it: Azure Blob Storage drops the dots that end a path segment"
                  + " ('names.' here): the blob would land under another name, perhaps over"
                  + " another object's copy");
    }
  }

  /**
   * A container name Azure never gives (here too short) is refused before anything is listed,
   * rather than failing every blob's write with a 400 and then the status file.
   */
  @Test
  void aContainerNameAzureWouldNeverGiveIsRefusedFirst() throws IOException {
    String repo = repository(namespacePrefix());
    String root = azurite.accountEndpoint() + "/c1/x";
    try (Exporter exporter = exporter(repo, root).build()) {
      assertThatThrownBy(() -> exporter.exportAllFromBranch("main"))
          .isInstanceOf(InvalidExportException.class)
          .hasMessageStartingWith("cannot export to " + Location.parse(root))
          .hasMessageContaining("'c1' is not an Azure container name");
    }
  }

  /**
   * An Azure location without its container is said to be one the Azure module does not serve, with
   * the form it lacks; an https one, which the read-only HTTP store takes, too.
   */
  @Test
  void anAzureLocationWithoutItsContainerIsNamedAsSuch() throws IOException {
    String repo = repository(namespacePrefix());
    String host = AzuriteServer.ACCOUNT + ".dfs.core.windows.net";
    String root = "abfss://" + host + "/export";
    assertThatThrownBy(() -> exporter(repo, root).build().exportAllFromBranch("main"))
        .isInstanceOf(InvalidExportException.class)
        .hasMessageEndingWith(
            "no storage provider for "
                + root
                + ": the azure module does not serve it: it names no container: abfss://<container>@"
                + host
                + "/<path>");
    for (String accountOnly :
        List.of("https://acct.blob.core.windows.net/", azurite.accountEndpoint() + "/")) {
      String account = accountOnly.startsWith("https") ? "acct" : AzuriteServer.ACCOUNT;
      assertThatThrownBy(() -> exporter(repo, accountOnly).build().exportAllFromBranch("main"))
          .as(accountOnly)
          .isInstanceOf(InvalidExportException.class)
          .hasMessageContaining("the http store cannot write there (it is read-only)")
          .hasMessageContaining(
              "; the azure module does not serve it: it names account '"
                  + account
                  + "' but no container: "
                  + accountOnly
                  + "<container>/<path>");
    }
  }

  @Test
  void s3ToAzureThroughPresignedUrls() throws IOException {
    String repo = repository("s3://s3-lake/");
    String root = destination("from-s3-" + repo);
    ExportResult result;
    try (Exporter exporter =
        Exporter.builder()
            .lakeFs(client)
            .repository(repo)
            .destination(root)
            .storage(storage)
            .sourceMode(SourceMode.PRESIGNED)
            .build()) {
      result = exporter.exportAllFromBranch("main");
    }
    assertThat(result.succeeded()).as(result.failures().toString()).isTrue();
    assertThat(result.copiedBy(CopyStrategy.SERVER_SIDE)).isZero();
    Location big = Location.parse(root + "/big/large.bin");
    try (InputStream in = storage.storeFor(big).read(big, 0, -1)) {
      assertThat(in.readAllBytes()).isEqualTo(large);
    }
  }

  /**
   * Azure lists names in the order of their UTF-16 chars, where lakeFS lists paths in that of their
   * UTF-8 bytes: a character beyond U+FFFF sorts before U+FFFD on Azure and after it in lakeFS. A
   * key the destination's listing has not named yet may still come, so the re-run asks about it
   * rather than copy it again.
   */
  @Test
  void skippingIdenticalBlobsAKeyTheListingHasPassedIsAskedAboutNotCopied() throws IOException {
    String repo = emptyRepository();
    var keys = List.of("u/a", "u/\uFFFD", "u/\uD83D\uDE00");
    for (String key : keys) {
      emulator.putObject(repo, "main", key, bytes("bytes of " + key), "text/plain", Map.of());
    }
    emulator.commit(repo, "main", "beyond the basic plane");
    String root = destination("order-" + repo);
    try (Exporter exporter = exporter(repo, root).skipIdentical(true).countFirst(false).build()) {
      assertThat(exporter.exportAllFromBranch("main").succeeded()).isTrue();
      ExportResult again = exporter.exportAllFromBranch("main");
      assertThat(again.succeeded()).as(again.failures().toString()).isTrue();
      assertThat(again.copiedBy(CopyStrategy.ALREADY_THERE)).isEqualTo(keys.size());
    }
  }
}
