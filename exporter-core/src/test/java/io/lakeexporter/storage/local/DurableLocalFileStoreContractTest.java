package io.lakeexporter.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.storage.contract.AbstractObjectStoreContractTest;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole contract again with every file and directory forced to the disk as it is written. */
class DurableLocalFileStoreContractTest extends AbstractObjectStoreContractTest {

  @TempDir static Path dir;

  private final LocalFileStore store =
      (LocalFileStore)
          new LocalStorageProvider()
              .create(StorageSettings.of(Map.of(LocalStorageProvider.FSYNC_KEY, "true")));

  @Override
  protected ObjectStore store() {
    return store;
  }

  @Override
  protected Location baseLocation() {
    return Location.ofPath(dir);
  }

  @Test
  void theSettingChoosesDurabilityAndIsOffByDefault() {
    assertThat(store.durable()).isTrue();
    var provider = new LocalStorageProvider();
    assertThat(((LocalFileStore) provider.create(StorageSettings.of(Map.of()))).durable())
        .isFalse();
    assertThatThrownBy(
            () ->
                provider.create(
                    StorageSettings.of(Map.of(LocalStorageProvider.FSYNC_KEY, "always"))))
        .hasMessageContaining("local.fsync must be true or false, not 'always'");
  }
}
