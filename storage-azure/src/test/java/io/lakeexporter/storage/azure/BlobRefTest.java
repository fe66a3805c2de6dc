package io.lakeexporter.storage.azure;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.StorageSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BlobRefTest {

  private static BlobRef ref(String location, StorageSettings s) {
    return BlobRef.of(Location.parse(location), s).orElseThrow();
  }

  @Test
  void everyFormUsersWrite() {
    var none = StorageSettings.EMPTY;
    assertThat(ref("https://acct.blob.core.windows.net/cont/dir/file.parquet", none))
        .isEqualTo(new BlobRef("acct", "cont", "dir/file.parquet"));
    assertThat(ref("abfss://cont@acct.dfs.core.windows.net/dir/f", none))
        .isEqualTo(new BlobRef("acct", "cont", "dir/f"));
    assertThat(ref("abfs://cont@acct.dfs.core.windows.net", none))
        .isEqualTo(new BlobRef("acct", "cont", ""));
    assertThat(ref("wasbs://cont@acct.blob.core.windows.net/p", none))
        .isEqualTo(new BlobRef("acct", "cont", "p"));
    assertThat(ref("wasb://cont@acct.blob.core.windows.net/p", none))
        .isEqualTo(new BlobRef("acct", "cont", "p"));
    var azurite =
        StorageSettings.of(
            Map.of(
                "azure.account.devstoreaccount1.endpoint",
                "http://127.0.0.1:10000/devstoreaccount1"));
    assertThat(ref("http://127.0.0.1:10000/devstoreaccount1/cont/a b#c", azurite))
        .isEqualTo(new BlobRef("devstoreaccount1", "cont", "a b#c"));
  }

  @Test
  void otherHttpsUrlsAreNotAzure() {
    var provider = new AzureStorageProvider();
    assertThat(
            provider.supports(
                Location.parse("https://bucket.s3.amazonaws.com/k?X-Amz-Signature=x"),
                StorageSettings.EMPTY))
        .isFalse();
    assertThat(
            provider.supports(
                Location.parse("http://127.0.0.1:10000/devstoreaccount1/c/k"),
                StorageSettings.EMPTY))
        .as("an emulator endpoint only when configured")
        .isFalse();
    assertThat(
            provider.supports(
                Location.parse("https://acct.blob.core.windows.net/c/k"), StorageSettings.EMPTY))
        .isTrue();
    assertThat(provider.supports(Location.parse("s3://b/k"), StorageSettings.EMPTY)).isFalse();
  }

  /** Other URLs get no word from the Azure module; its own forms without a container do. */
  @Test
  void onlyAzureFormsWithoutAContainerAreDeclinedInWords() {
    var provider = new AzureStorageProvider();
    var none = StorageSettings.EMPTY;
    for (String other :
        List.of(
            "https://bucket.s3.amazonaws.com/k?X-Amz-Signature=x",
            "https://example.com/",
            "http://127.0.0.1:10000/devstoreaccount1",
            "https://acct.blob.core.windows.net/c/k",
            "s3://b/k")) {
      assertThat(provider.declines(Location.parse(other), none)).as(other).isEmpty();
    }
    assertThat(provider.declines(Location.parse("wasbs://acct.blob.core.windows.net/p"), none))
        .contains("it names no container: wasbs://<container>@acct.blob.core.windows.net/<path>");
    assertThat(provider.declines(Location.parse("https://ACCT.dfs.core.windows.net"), none))
        .contains(
            "it names account 'acct' but no container:"
                + " https://acct.dfs.core.windows.net/<container>/<path>");
    var azurite =
        StorageSettings.of(
            Map.of(
                "azure.account.devstoreaccount1.endpoint",
                "http://127.0.0.1:10000/devstoreaccount1"));
    assertThat(
            provider.declines(Location.parse("http://127.0.0.1:10000/devstoreaccount1"), azurite))
        .contains(
            "it names account 'devstoreaccount1' but no container:"
                + " http://127.0.0.1:10000/devstoreaccount1/<container>/<path>");
  }

  /**
   * Azurite's path-style URL without its account's endpoint setting falls to the read-only HTTP
   * store; the refusal says which setting would make it Azure's.
   */
  @Test
  void aPathStyleUrlWithoutItsAccountEndpointIsDeclinedNamingTheSetting() {
    var provider = new AzureStorageProvider();
    var url = Location.parse("http://127.0.0.1:10000/devstoreaccount1/exports/daily");
    assertThat(provider.supports(url, StorageSettings.EMPTY)).isFalse();
    assertThat(provider.declines(url, StorageSettings.EMPTY))
        .contains(
            "for an Azure account at an endpoint of its own (Azurite, a private endpoint), set"
                + " azure.account.devstoreaccount1.endpoint=http://127.0.0.1:10000/devstoreaccount1");
    var elsewhere =
        StorageSettings.of(
            Map.of(
                "azure.account.devstoreaccount1.endpoint",
                "http://127.0.0.1:10001/devstoreaccount1"));
    assertThat(provider.declines(url, elsewhere))
        .contains(
            "azure.account.devstoreaccount1.endpoint is http://127.0.0.1:10001/devstoreaccount1,"
                + " not http://127.0.0.1:10000/devstoreaccount1");
  }

  @Test
  void hadoopAccountKeysAreUnderstood() {
    var dfs = StorageSettings.of(Map.of("fs.azure.account.key.acct.dfs.core.windows.net", "a2V5"));
    assertThat(new AzureAccounts(dfs).sharedKey("acct")).isPresent();
    var blob =
        StorageSettings.of(Map.of("fs.azure.account.key.acct.blob.core.windows.net", "a2V5"));
    assertThat(new AzureAccounts(blob).sharedKey("acct")).isPresent();
    assertThat(new AzureAccounts(blob).sharedKey("other")).isEmpty();
    assertThat(new AzureAccounts(StorageSettings.EMPTY).endpoint("acct"))
        .isEqualTo("https://acct.blob.core.windows.net");
  }

  @Test
  void metadataKeysRoundTrip() {
    for (String key : new String[] {"lakefs-checksum", "owner", "a.b_c", "9lives", "x_x0041_"}) {
      String encoded = MetadataKeys.encode(key);
      assertThat(encoded).matches("[A-Za-z_][A-Za-z0-9_]*");
      assertThat(MetadataKeys.decode(encoded)).isEqualTo(key);
    }
    assertThat(MetadataKeys.encode("lakefs-checksum")).isEqualTo("lakefs_x002d_checksum");
  }

  @Test
  void blocksStayWithinFiftyThousand() {
    long size = 1L << 40;
    long block = AzureBlobStore.BLOCK_LIMITS.partSizeFor(size, 16L << 20);
    assertThat((size + block - 1) / block).isLessThanOrEqualTo(50_000);
  }
}
