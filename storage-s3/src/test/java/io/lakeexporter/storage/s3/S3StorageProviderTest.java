package io.lakeexporter.storage.s3;

import io.lakeexporter.storage.SettingKeysInSources;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class S3StorageProviderTest {

  @Test
  void everySettingKeyReadIsListed() {
    SettingKeysInSources.assertListed(new S3StorageProvider(), Path.of("src/main/java"));
  }
}
