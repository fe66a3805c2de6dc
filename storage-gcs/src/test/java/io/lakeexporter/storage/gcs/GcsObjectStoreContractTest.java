package io.lakeexporter.storage.gcs;

import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.contract.AbstractObjectStoreContractTest;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The ObjectStore contract against fake-gcs-server. */
class GcsObjectStoreContractTest extends AbstractObjectStoreContractTest {

  private static GcsObjectStore store;

  @BeforeAll
  static void start() throws IOException {
    FakeGcsServer.shared().createBucket("contract");
    store = new GcsObjectStore(FakeGcsServer.shared().settings());
  }

  @AfterAll
  static void stop() throws IOException {
    store.close();
  }

  @Override
  protected ObjectStore store() {
    return store;
  }

  @Override
  protected Location baseLocation() {
    return Location.parse("gs://contract/base/");
  }
}
