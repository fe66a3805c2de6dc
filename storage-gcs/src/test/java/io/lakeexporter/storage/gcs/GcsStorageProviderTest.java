package io.lakeexporter.storage.gcs;

import io.lakeexporter.storage.SettingKeysInSources;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class GcsStorageProviderTest {

  @Test
  void everySettingKeyReadIsListed() {
    SettingKeysInSources.assertListed(new GcsStorageProvider(), Path.of("src/main/java"));
  }
}
