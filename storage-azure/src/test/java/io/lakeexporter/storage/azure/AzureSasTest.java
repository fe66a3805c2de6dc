package io.lakeexporter.storage.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.sas.BlobContainerSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.storage.common.sas.AccountSasPermission;
import com.azure.storage.common.sas.AccountSasResourceType;
import com.azure.storage.common.sas.AccountSasService;
import com.azure.storage.common.sas.AccountSasSignatureValues;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectMetadata;
import io.lakeexporter.storage.RequestRefusedException;
import io.lakeexporter.storage.StorageSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A SAS token that cannot do what the export asks, against Azurite, which checks a token's
 * permissions and expiry as Azure does and answers both with a bare 403: the store names the
 * missing permission or the expiry from the token itself, and never quotes its signature.
 */
class AzureSasTest {

  private static final String CONTAINER = "sas-checks";
  private static BlobContainerClient container;

  @BeforeAll
  static void start() {
    AzuriteServer.shared().createContainer(CONTAINER);
    container =
        new AzureAccounts(AzuriteServer.shared().settings())
            .client(AzuriteServer.ACCOUNT)
            .getBlobContainerClient(CONTAINER);
  }

  private static String sas(OffsetDateTime expiry, String permissions) {
    return container.generateSas(
        new BlobServiceSasSignatureValues(expiry, BlobContainerSasPermission.parse(permissions)));
  }

  private static StorageSettings withSas(String sas) {
    return StorageSettings.of(
        Map.of(
            "azure.account." + AzuriteServer.ACCOUNT + ".endpoint",
            AzuriteServer.shared().accountEndpoint(),
            "azure.account." + AzuriteServer.ACCOUNT + ".sas",
            sas));
  }

  private static Location at(String key) {
    return Location.parse(AzuriteServer.shared().location(CONTAINER, key));
  }

  private static String signature(String sas) {
    for (String field : sas.split("&")) {
      if (field.startsWith("sig=")) {
        return field.substring(4);
      }
    }
    throw new AssertionError("no signature in the token");
  }

  @Test
  void aTokenWithoutThePermissionSaysWhichItLacks() throws IOException {
    Location readable = at("readable-" + UUID.randomUUID() + ".bin");
    new AzureBlobStore(AzuriteServer.shared().settings())
        .write(readable, new ByteArrayInputStream(new byte[] {1, 2}), 2, ObjectMetadata.EMPTY);
    String readList = sas(OffsetDateTime.now().plusHours(1), "rl");
    var store = new AzureBlobStore(withSas(readList));

    // What the token allows works, so the refusals below are the permissions' doing.
    assertThat(store.stat(readable).size()).isEqualTo(2);
    assertThatThrownBy(
            () ->
                store.write(
                    at("denied.bin"),
                    new ByteArrayInputStream(new byte[] {1}),
                    1,
                    ObjectMetadata.EMPTY))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessageContaining("access denied to write")
        .hasMessageContaining(
            "the SAS token of account '"
                + AzuriteServer.ACCOUNT
                + "' does not allow it: its permissions are 'rl', and this takes 'w'")
        .hasMessageNotContaining(signature(readList));
    List<?> failures = store.delete(List.of(readable));
    assertThat(failures).hasSize(1);
    assertThat(failures.get(0).toString())
        .contains("its permissions are 'rl', and this takes 'd'")
        .doesNotContain(signature(readList));
  }

  /** An account SAS for {@code services} and {@code resourceTypes}, with every permission. */
  private static String accountSas(String services, String resourceTypes) {
    return new AzureAccounts(AzuriteServer.shared().settings())
        .client(AzuriteServer.ACCOUNT)
        .generateAccountSas(
            new AccountSasSignatureValues(
                OffsetDateTime.now().plusHours(1),
                AccountSasPermission.parse("rwdlc"),
                AccountSasService.parse(services),
                AccountSasResourceType.parse(resourceTypes)));
  }

  /**
   * An account SAS that grants every permission but not for blobs, or not for the objects or
   * containers a request touches: the refusal names the field and what the request takes.
   */
  @Test
  void anAccountTokenForOtherServicesOrResourceTypesSaysWhichItLacks() throws IOException {
    Location readable = at("readable-" + UUID.randomUUID() + ".bin");
    new AzureBlobStore(AzuriteServer.shared().settings())
        .write(readable, new ByteArrayInputStream(new byte[] {1, 2}), 2, ObjectMetadata.EMPTY);
    String everything = accountSas("b", "sco");
    // What a full token allows works, so the refusals below are the fields' doing.
    assertThat(new AzureBlobStore(withSas(everything)).stat(readable).size()).isEqualTo(2);

    String queuesOnly = accountSas("q", "sco");
    assertThatThrownBy(() -> new AzureBlobStore(withSas(queuesOnly)).stat(readable))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessageContaining(
            "the SAS token of account '"
                + AzuriteServer.ACCOUNT
                + "' does not allow it: its services are 'q', and blobs take 'b'")
        .hasMessageNotContaining(signature(queuesOnly));

    String containersOnly = accountSas("b", "sc");
    assertThatThrownBy(() -> new AzureBlobStore(withSas(containersOnly)).stat(readable))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessageContaining(
            "does not allow it: its resource types are 'sc', and this takes 'o' (objects)")
        .hasMessageNotContaining(signature(containersOnly));
    String objectsOnly = accountSas("b", "o");
    assertThatThrownBy(
            () -> {
              try (var listing = new AzureBlobStore(withSas(objectsOnly)).list(at(""))) {
                listing.count();
              }
            })
        .hasMessageContaining(
            "does not allow it: its resource types are 'o', and this takes 'c' (containers)")
        .hasMessageNotContaining(signature(objectsOnly));
  }

  @Test
  void aTokenThatExpiresDuringAnExportSaysWhen() throws Exception {
    Location blob = at("expiring-" + UUID.randomUUID() + ".bin");
    new AzureBlobStore(AzuriteServer.shared().settings())
        .write(blob, new ByteArrayInputStream(new byte[] {7}), 1, ObjectMetadata.EMPTY);
    // Long enough for the store's first request on a busy machine, short enough to wait out.
    OffsetDateTime expiry = OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(6);
    String token = sas(expiry, "rwdl");
    var store = new AzureBlobStore(withSas(token));
    assertThat(store.stat(blob).size()).isEqualTo(1);

    Thread.sleep(
        Math.max(0, expiry.toInstant().toEpochMilli() - System.currentTimeMillis()) + 1500);
    assertThatThrownBy(() -> store.stat(blob))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessageContaining(
            "the SAS token of account '"
                + AzuriteServer.ACCOUNT
                + "' expired at "
                + expiry.toInstant().truncatedTo(ChronoUnit.SECONDS))
        .hasMessageNotContaining(signature(token));
  }

  @Test
  void aTokenWithABrokenEscapeIsRefusedNamingTheSettingAndFieldNotItsCharacters() {
    String token = sas(OffsetDateTime.now().plusHours(1), "rwdl") + "%zq";
    assertThatThrownBy(() -> new AzureBlobStore(withSas(token)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "azure.account."
                + AzuriteServer.ACCOUNT
                + ".sas is not a SAS token: its 'sig' field holds a '%' that starts no %XX"
                + " escape (a SAS is a URL's query string)")
        .hasMessageNotContaining("zq");
  }

  @Test
  void aTokenAlreadyExpiredIsRefusedWhenTheStoreIsMade() {
    String expired = sas(OffsetDateTime.now().minusMinutes(5), "rwdl");
    assertThatThrownBy(() -> new AzureBlobStore(withSas(expired)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "azure.account." + AzuriteServer.ACCOUNT + ".sas holds a SAS token that expired at")
        .hasMessageNotContaining(signature(expired));
    String connection =
        "BlobEndpoint="
            + AzuriteServer.shared().accountEndpoint()
            + ";SharedAccessSignature="
            + expired;
    assertThatThrownBy(
            () ->
                new AzureBlobStore(
                    StorageSettings.of(Map.of("azure.connection-string", connection))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("azure.connection-string holds a SAS token that expired at")
        .hasMessageNotContaining(signature(expired));
    // Beside the account's key the token is not used, so its expiry is no reason to refuse.
    var withKey =
        AzuriteServer.shared()
            .settings()
            .overlay(
                StorageSettings.of(
                    Map.of("azure.account." + AzuriteServer.ACCOUNT + ".sas", expired)));
    assertThat(new AzureBlobStore(withKey).name()).isNotEmpty();
  }

  @Test
  void theFieldsOfATokenAreReadInEveryFormAzureTakes() {
    assertThat(SasToken.parse("?sv=2024&sp=racwdl&se=2026-01-02&sig=x").expiry())
        .contains(Instant.parse("2026-01-02T00:00:00Z"));
    assertThat(SasToken.parse("sp=r&se=2026-01-02T03:04Z").expiry())
        .contains(Instant.parse("2026-01-02T03:04:00Z"));
    assertThat(SasToken.parse("se=2026-01-02T03%3A04%3A05Z&sp=rl").expiry())
        .contains(Instant.parse("2026-01-02T03:04:05Z"));
    SasToken policy = SasToken.parse("si=policy&sr=c&sig=x");
    assertThat(policy.expiry()).isEmpty();
    assertThat(policy.expiredAt(Instant.now())).isFalse();
    // Azurite does not check an IP range (sip), so no refusal there can show it: read here.
    SasToken account = SasToken.parse("sv=2024&ss=bq&srt=co&sp=rl&sip=192.0.2.1-192.0.2.9&sig=x");
    assertThat(account.servesBlobs()).isTrue();
    assertThat(account.reaches('o')).isTrue();
    assertThat(account.reaches('s')).isFalse();
    assertThat(account.usedFrom()).isEqualTo(" (it may be used from 192.0.2.1-192.0.2.9 only)");
    assertThat(SasToken.parse("sp=rl").usedFrom()).isEmpty();
    assertThat(SasToken.parse("sp=rl").allows('l')).isTrue();
    assertThat(SasToken.parse("sp=rl").allows('w')).isFalse();
  }
}
