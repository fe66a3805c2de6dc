package io.lakeexporter.storage.azure;

import io.lakeexporter.storage.SettingKeysInSources;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class AzureStorageProviderTest {

  @Test
  void everySettingKeyReadIsListed() {
    SettingKeysInSources.assertListed(new AzureStorageProvider(), Path.of("src/main/java"));
  }
}
