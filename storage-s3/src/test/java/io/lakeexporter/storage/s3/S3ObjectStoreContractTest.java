package io.lakeexporter.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.contract.AbstractObjectStoreContractTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The ObjectStore contract against S3Proxy. */
class S3ObjectStoreContractTest extends AbstractObjectStoreContractTest {

  private static S3ObjectStore store;

  @BeforeAll
  static void start() {
    S3ProxyServer.shared().createBucket("contract");
    store = new S3ObjectStore(S3ProxyServer.shared().settings());
  }

  @AfterAll
  static void stop() {
    store.close();
  }

  @Override
  protected ObjectStore store() {
    return store;
  }

  @Override
  protected Location baseLocation() {
    return Location.parse("s3://contract/base/");
  }

  @Override
  protected void assertPendingUploadsGone(Location location) {
    var uploads =
        S3ProxyServer.shared()
            .admin()
            .listMultipartUploads(b -> b.bucket(location.authority()).prefix(location.path()))
            .uploads();
    assertThat(uploads).isEmpty();
  }
}
