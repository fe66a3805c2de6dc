package io.lakeexporter.storage.azure;

import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.storage.contract.AbstractObjectStoreContractTest;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

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
}
