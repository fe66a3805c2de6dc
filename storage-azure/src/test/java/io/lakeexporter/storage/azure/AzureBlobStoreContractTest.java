package io.lakeexporter.storage.azure;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectInfo;
import io.lakeexporter.storage.ObjectMetadata;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.storage.contract.AbstractObjectStoreContractTest;
import java.io.IOException;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The ObjectStore contract against Azurite. */
class AzureBlobStoreContractTest extends AbstractObjectStoreContractTest {

  private static AzureBlobStore store;

  @BeforeAll
  static void start() {
    AzuriteServer.shared().createContainer("contract");
    // Small pages, so that the listing test crosses several without writing thousands of blobs.
    store =
        new AzureBlobStore(
            AzuriteServer.shared()
                .settings()
                .overlay(StorageSettings.of(Map.of("azure.list.page-size", "100"))));
  }

  @AfterAll
  static void stop() {
    store.close();
  }

  @Override
  protected int listingObjectCount() {
    return 250;
  }

  @Override
  protected ObjectStore store() {
    return store;
  }

  @Override
  protected Location baseLocation() {
    return Location.parse(AzuriteServer.shared().location("contract", "base/"));
  }

  /**
   * A listing carries each blob's metadata, the lakeFS checksum an export recorded among them (a
   * name Azure takes only encoded): a re-run that skips identical blobs reads it there.
   */
  @Test
  void aListingCarriesEachBlobsMetadata() throws IOException {
    var metadata =
        new ObjectMetadata(
            "text/csv", Map.of(ObjectMetadata.LAKEFS_CHECKSUM_KEY, "abc123", "owner", "team-a"));
    put(at("listed/with"), new byte[] {1, 2}, metadata);
    put(at("listed/without"), new byte[] {3}, ObjectMetadata.EMPTY);
    try (Stream<ObjectInfo> listed = store.list(at("listed/"))) {
      assertThat(listed.map(ObjectInfo::metadata).toList())
          .containsExactly(metadata, new ObjectMetadata("application/octet-stream", Map.of()));
    }
  }
}
