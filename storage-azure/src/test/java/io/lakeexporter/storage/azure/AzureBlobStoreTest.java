package io.lakeexporter.storage.azure;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.azure.storage.blob.models.BlockListType;
import com.sun.net.httpserver.HttpServer;
import io.lakeexporter.copy.RetryPolicy;
import io.lakeexporter.storage.EveryRequestRefusedException;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectInfo;
import io.lakeexporter.storage.ObjectMetadata;
import io.lakeexporter.storage.RequestRefusedException;
import io.lakeexporter.storage.StorageSettings;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Azure behaviour beyond the contract, against Azurite, with thresholds lowered to cross them. */
class AzureBlobStoreTest {

  private static final int MIB = 1 << 20;
  private static AzureBlobStore store;
  private static HttpServer presignedSource;
  private static byte[] served;

  @BeforeAll
  static void start() throws IOException {
    AzuriteServer.shared().createContainer("specific");
    store =
        new AzureBlobStore(
            AzuriteServer.shared()
                .settings()
                .overlay(
                    StorageSettings.of(
                        Map.of(
                            "azure.upload.threshold", "2MiB",
                            "azure.upload.block-size", "1MiB",
                            "azure.copy.block-threshold", "3MiB",
                            "azure.copy.block-size", "1MiB"))));
    // Stands in for an S3 or GCS presigned URL: any HTTP server that honours Range.
    served = random(5 * MIB + 3);
    presignedSource = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    Pattern range = Pattern.compile("bytes=(\\d+)-(\\d+)");
    presignedSource.createContext(
        "/",
        ex -> {
          try (ex) {
            String r = ex.getRequestHeaders().getFirst("x-ms-range");
            if (r == null) {
              r = ex.getRequestHeaders().getFirst("Range");
            }
            int from = 0;
            int to = served.length - 1;
            int status = 200;
            if (r != null) {
              Matcher m = range.matcher(r);
              if (m.find()) {
                from = Integer.parseInt(m.group(1));
                to = Math.min(to, Integer.parseInt(m.group(2)));
                status = 206;
                ex.getResponseHeaders()
                    .add("Content-Range", "bytes " + from + "-" + to + "/" + served.length);
              }
            }
            ex.sendResponseHeaders(status, to - from + 1);
            try (OutputStream out = ex.getResponseBody()) {
              out.write(served, from, to - from + 1);
            }
          }
        });
    presignedSource.start();
  }

  @AfterAll
  static void stop() {
    store.close();
    presignedSource.stop(0);
  }

  private static Location at(String key) {
    return Location.parse(
        AzuriteServer.shared().location("specific", UUID.randomUUID() + "/" + key));
  }

  private static byte[] random(int size) {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return b;
  }

  private static byte[] readAll(Location l) throws IOException {
    try (InputStream in = store.read(l, 0, -1)) {
      return in.readAllBytes();
    }
  }

  @Test
  void largeBlobsAreStagedInBlocksAndKeepMetadata() throws IOException {
    byte[] data = random(5 * MIB + 11);
    Location l = at("large.bin");
    var md = new ObjectMetadata("application/x-parquet", Map.of("lakefs-checksum", "abc"));
    store.write(l, new ByteArrayInputStream(data), data.length, md);
    assertThat(readAll(l)).isEqualTo(data);
    ObjectInfo info = store.stat(l);
    assertThat(info.metadata().contentType()).isEqualTo("application/x-parquet");
    assertThat(info.metadata().userMetadata()).containsEntry("lakefs-checksum", "abc");
    var blocks =
        new AzureAccounts(AzuriteServer.shared().settings())
            .client(AzuriteServer.ACCOUNT)
            .getBlobContainerClient("specific")
            .getBlobClient(store.ref(l).blob())
            .getBlockBlobClient()
            .listBlocks(BlockListType.COMMITTED)
            .getCommittedBlocks();
    assertThat(blocks).hasSize(6);
  }

  @Test
  void aFailedBlockUploadCommitsNothing() {
    byte[] data = random(3 * MIB);
    Location l = at("short.bin");
    assertThatThrownBy(
            () -> store.write(l, new ByteArrayInputStream(data), 4L * MIB, ObjectMetadata.EMPTY))
        .hasMessageContaining("ended after");
    assertThatThrownBy(() -> store.stat(l)).isInstanceOf(FileNotFoundException.class);
  }

  @Test
  void azureToAzureCopiesBelowAndAboveTheBlockThreshold() throws IOException {
    var md = new ObjectMetadata("text/csv", Map.of("lakefs-checksum", "c0ffee", "owner", "me"));
    for (int size : new int[] {0, MIB, 4 * MIB + 7}) {
      byte[] data = random(size);
      Location source = at("src");
      store.write(source, new ByteArrayInputStream(data), size, ObjectMetadata.EMPTY);
      Location dest = at("copy of src");
      assertThat(store.canCopyServerSide(source, dest)).isTrue();
      long[] before = store.serverSideCopyCounts();
      store.copyServerSide(source, dest, size, md);
      long[] after = store.serverSideCopyCounts();
      assertThat(size < 3 * MIB ? after[0] - before[0] : after[1] - before[1])
          .as(size < 3 * MIB ? "one block, the source whole" : "blocks of ranges")
          .isEqualTo(1);
      assertThat(readAll(dest)).isEqualTo(data);
      ObjectInfo info = store.stat(dest);
      assertThat(info.metadata().contentType()).isEqualTo("text/csv");
      assertThat(info.metadata().userMetadata())
          .containsEntry("lakefs-checksum", "c0ffee")
          .containsEntry("owner", "me");
    }
  }

  @Test
  void aSmallCopyWhoseCommitFailsLeavesNoBlob() throws IOException {
    byte[] data = random(MIB);
    Location source = at("src");
    store.write(source, new ByteArrayInputStream(data), data.length, ObjectMetadata.EMPTY);
    Location dest = at("copy");
    // A content type no HTTP request can carry fails the request that sets it.
    var unsendable = new ObjectMetadata("text/csv\r\nx-ms-meta-forged: 1", Map.of());
    assertThatThrownBy(() -> store.copyServerSide(source, dest, data.length, unsendable))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> store.stat(dest)).isInstanceOf(FileNotFoundException.class);
  }

  @Test
  void externalUrlSourcesAreOfferedToAzureUnlessTurnedOff() throws IOException {
    Location source =
        Location.parse(
            "http://127.0.0.1:"
                + presignedSource.getAddress().getPort()
                + "/bucket/obj?X-Amz-Signature=secret");
    Location dest = at("from-url.bin");
    assertThat(store.canCopyServerSide(source, dest)).isTrue();
    // Documented limitation of Azurite: it fetches copy sources from its own storage only, so a URL
    // outside it fails (real Azure fetches it). The failure is clear and shows no signature.
    assertThatThrownBy(
            () -> store.copyServerSide(source, dest, served.length, ObjectMetadata.EMPTY))
        .isInstanceOf(IOException.class)
        .hasMessageNotContaining("secret");
    assertThatThrownBy(() -> store.stat(dest)).isInstanceOf(FileNotFoundException.class);
    var off =
        new AzureBlobStore(
            AzuriteServer.shared()
                .settings()
                .overlay(StorageSettings.of(Map.of("azure.copy.from-external-urls", "false"))));
    try {
      assertThat(off.canCopyServerSide(source, dest)).isFalse();
      assertThat(off.canCopyServerSide(at("azure-source"), dest)).isTrue();
    } finally {
      off.close();
    }
    assertThat(AzureBlobStore.redact("GET http://h/c/b?sv=1&sig=abc failed"))
        .isEqualTo("GET http://h/c/b?<redacted> failed");
  }

  /**
   * Azure answers CannotVerifyCopySource when it cannot read a copy's source: the failure is the
   * source's, named as such, not the blob being written (whose credentials are fine).
   */
  @Test
  void aCopySourceAzureCannotReadIsNamedNotTheBlobWritten() {
    Location source = at("never-written.bin");
    Location dest = at("copied-from-nothing.bin");
    assertThatThrownBy(() -> store.copyServerSide(source, dest, 10, ObjectMetadata.EMPTY))
        .isInstanceOf(FileNotFoundException.class)
        .hasMessageStartingWith("no object at " + source + ": Azure could not read " + source)
        .hasMessageContaining("CannotVerifyCopySource")
        .hasMessageNotContaining("sig=");
  }

  /**
   * Azure answers 404 CannotVerifyCopySource for a source it cannot reach as for one that is not
   * there (here a second Azurite, which the first cannot fetch from; on Azure, a firewall before
   * the source's account): a source this process finds is not called missing, and the way around is
   * named.
   */
  @Test
  void aCopySourceAzureCannotReachIsNotCalledMissing() throws IOException {
    String key = Base64.getEncoder().encodeToString("second account key".getBytes(UTF_8));
    try (AzuriteServer second = AzuriteServer.startWithAccount("acct2", key)) {
      StorageSettings settings =
          AzuriteServer.shared()
              .settings()
              .overlay(
                  StorageSettings.of(
                      Map.of(
                          "azure.account.acct2.endpoint",
                          second.url() + "/acct2",
                          "azure.account.acct2.key",
                          key)));
      new AzureAccounts(settings).client("acct2").getBlobContainerClient("elsewhere").create();
      var both = new AzureBlobStore(settings);
      Location source =
          Location.parse(second.url() + "/acct2/elsewhere/" + UUID.randomUUID() + "/a.bin");
      both.write(source, new ByteArrayInputStream(random(10)), 10, ObjectMetadata.EMPTY);
      Location dest = at("from-another-account.bin");
      assertThat(both.canCopyServerSide(source, dest)).isTrue();
      assertThatThrownBy(() -> both.copyServerSide(source, dest, 10, ObjectMetadata.EMPTY))
          .isInstanceOf(RequestRefusedException.class)
          .hasMessageContaining("CannotVerifyCopySource), though the source is there")
          .hasMessageEndingWith("--no-server-side-copy copies it through this process")
          .hasMessageNotContaining("sig=");
      both.close();
    }
  }

  @Test
  void sasUrlsAreReadableWithoutCredentials() throws Exception {
    byte[] data = random(100_000);
    Location l = at("with space+plus%/sas #1.bin");
    store.write(l, new ByteArrayInputStream(data), data.length, ObjectMetadata.EMPTY);
    Location url = store.presignRead(l, Duration.ofMinutes(5));
    assertThat(url.toString()).doesNotContain("sig=");
    HttpResponse<byte[]> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url.toUnredactedString()))
                    .header("Range", "bytes=10-19")
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).isEqualTo(206);
    assertThat(response.body()).isEqualTo(Arrays.copyOfRange(data, 10, 20));
  }

  /**
   * A SAS URL of this store's own account (lakeFS's presigned address, or presignRead's) names its
   * blob percent-encoded: the store reads it, and copies from it, as that blob.
   */
  @Test
  void aSasUrlOfItsOwnAccountIsReadAndCopiedAsTheBlobItNames() throws Exception {
    byte[] data = random(10_000);
    Location l = at("dir/with space+plus%25 100%/sas #1.bin");
    store.write(l, new ByteArrayInputStream(data), data.length, ObjectMetadata.EMPTY);
    Location url = store.presignRead(l, Duration.ofMinutes(5));
    assertThat(url.path()).as("the URL is encoded").doesNotContain(" ");
    assertThat(store.stat(url).size()).isEqualTo(data.length);
    try (InputStream in = store.read(url, 0, -1)) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
    Location copy = at("copied/sas #1.bin");
    assertThat(store.canCopyServerSide(url, copy)).isTrue();
    store.copyServerSide(url, copy, data.length, ObjectMetadata.EMPTY);
    try (InputStream in = store.read(copy, 0, -1)) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
  }

  @Test
  void aContainerListedWithoutItsClosingSlashNamesItsBlobsRight() throws IOException {
    String container = "listed-" + UUID.randomUUID().toString().substring(0, 8);
    AzuriteServer.shared().createContainer(container);
    Location blob = Location.parse(AzuriteServer.shared().location(container, "dir/a.txt"));
    store.write(blob, new ByteArrayInputStream(new byte[] {1}), 1, ObjectMetadata.EMPTY);
    for (String root :
        List.of(
            AzuriteServer.shared().location(container, ""),
            AzuriteServer.shared().location(container, "") + "/")) {
      assertThat(store.list(Location.parse(root)).map(ObjectInfo::location))
          .as(root)
          .containsExactly(blob);
    }
  }

  @Test
  void aMissingContainerIsNamed() {
    Location l = Location.parse(AzuriteServer.shared().location("no-such-container", "k"));
    assertThatThrownBy(
            () -> store.write(l, new ByteArrayInputStream(new byte[1]), 1, ObjectMetadata.EMPTY))
        .isInstanceOf(FileNotFoundException.class)
        .hasMessageContaining("container 'no-such-container' does not exist");
  }

  /** A well-formed account key that is not Azurite's. */
  private static final String WRONG_KEY =
      Base64.getEncoder().encodeToString("not-the-key-not-the-key".getBytes());

  private static StorageSettings withTheWrongKey() {
    return AzuriteServer.shared()
        .settings()
        .overlay(
            StorageSettings.of(
                Map.of("azure.account." + AzuriteServer.ACCOUNT + ".key", WRONG_KEY)));
  }

  @Test
  void badCredentialsAreAClearErrorWithoutTheKey() {
    var wrong = new AzureBlobStore(withTheWrongKey());
    try {
      assertThatThrownBy(() -> wrong.stat(at("x")))
          .hasMessageContaining("access denied")
          .hasMessageContaining("account '" + AzuriteServer.ACCOUNT + "'")
          .hasMessageNotContaining(WRONG_KEY);
      // Refused for good: one attempt, where a transient fault would take four.
      refusedOnce(wrong);
    } finally {
      wrong.close();
    }
  }

  /**
   * No key, SAS or connection string: the SDK's credential chain gives no token (and sends none
   * over http). Said once, naming the account and the settings that would give one.
   */
  @Test
  void anAccountWithoutCredentialsIsRefusedOnceSayingWhereTheyGo() {
    String account = AzuriteServer.ACCOUNT;
    try (var anonymous = new AzureBlobStore(endpointOnly())) {
      assertThat(refusedOnce(anonymous))
          .hasMessageContaining("no credential for account '" + account + "'")
          .hasMessageContaining("azure.account." + account + ".key")
          .hasMessageContaining("azure.account." + account + ".sas")
          .hasMessageContaining(account + "/specific/");
    }
  }

  /**
   * A key that does not match: the destination's check refuses the export, where each copy failed
   * on its own after the lease was given up. Azure says AuthenticationFailed, Azurite
   * AuthorizationFailure: from an account key, which may do anything, both refuse every request. (A
   * SAS refused with AuthorizationFailure may only lack the right to list: no verdict.)
   */
  @Test
  void requireBucketTellsAKeyThatDoesNotMatch() throws IOException {
    try (var wrong = new AzureBlobStore(withTheWrongKey())) {
      assertThatThrownBy(() -> wrong.requireBucket(at("")))
          .isInstanceOf(EveryRequestRefusedException.class)
          .hasMessageContaining("check the key of account '" + AzuriteServer.ACCOUNT + "'")
          .hasMessageNotContaining(WRONG_KEY);
    }
  }

  /** No credential at all: the destination's check refuses the export. */
  @Test
  void requireBucketTellsAnAccountWithoutCredentials() throws IOException {
    String account = AzuriteServer.ACCOUNT;
    try (var store = new AzureBlobStore(endpointOnly())) {
      assertThatThrownBy(() -> store.requireBucket(at("")))
          .isInstanceOf(EveryRequestRefusedException.class)
          .hasMessageContaining("no credential for account '" + account + "'");
    }
  }

  /** Azurite's account endpoint, and no key, SAS or connection string for it. */
  private static StorageSettings endpointOnly() {
    return StorageSettings.of(
        Map.of(
            "azure.account." + AzuriteServer.ACCOUNT + ".endpoint",
            AzuriteServer.shared().accountEndpoint()));
  }

  /**
   * What {@code store} refuses a stat with, under the engine's retry policy: a {@link
   * RequestRefusedException}, after one attempt where a transient fault would take four.
   */
  private static Throwable refusedOnce(AzureBlobStore store) {
    var attempts = new AtomicInteger();
    Throwable refused =
        catchThrowable(
            () ->
                RetryPolicy.DEFAULT.run(
                    () -> {
                      attempts.incrementAndGet();
                      return store.stat(at("x"));
                    }));
    assertThat(refused).isInstanceOf(RequestRefusedException.class);
    assertThat(attempts).hasValue(1);
    return refused;
  }

  /** An endpoint may carry a user name and password; messages name it without the password. */
  @Test
  void messagesNameTheEndpointWithoutThePasswordOfItsUserInfo() throws IOException {
    String endpoint =
        AzuriteServer.shared().accountEndpoint().replace("://", "://proxy:PW-CANARY@");
    try (var withPassword =
        new AzureBlobStore(
            AzuriteServer.shared()
                .settings()
                .overlay(
                    StorageSettings.of(
                        Map.of(
                            "azure.account." + AzuriteServer.ACCOUNT + ".endpoint", endpoint))))) {
      // Locations under an endpoint are written with it, user info included.
      Location missing = Location.parse(endpoint + "/specific/missing-" + UUID.randomUUID());
      assertThatThrownBy(() -> withPassword.stat(missing))
          .isInstanceOf(IOException.class)
          .hasMessageNotContaining("PW-CANARY")
          .hasMessageContaining(missing.name())
          .hasMessageContaining("proxy:<redacted>@127.0.0.1");
    }
  }
}
