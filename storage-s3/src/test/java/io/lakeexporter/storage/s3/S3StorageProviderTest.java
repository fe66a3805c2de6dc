package io.lakeexporter.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeexporter.storage.SettingKeys;
import io.lakeexporter.storage.SettingKeysInSources;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class S3StorageProviderTest {

  @Test
  void everySettingKeyReadIsListed() {
    SettingKeysInSources.assertListed(new S3StorageProvider(), Path.of("src/main/java"));
  }

  /**
   * A Hadoop-style key a letter or two from one the module reads is said, though not refused: a
   * configuration carries other libraries' fs.s3a keys, which are left alone.
   */
  @Test
  void aKeyNearlyOneTheModuleReadsIsNamedWithIt() {
    assertThat(
            SettingKeys.nearMisses(
                Set.of(
                    "fs.s3a.endpiont",
                    "s3a.endpoint",
                    "fs.s3a.endpoint",
                    "fs.s3a.bucket.lake.endpoint",
                    "fs.s3a.connection.maximum",
                    "fs.s3a.fast.upload",
                    "spark.master"),
                List.of(new S3StorageProvider())))
        .containsExactly(
            "setting 'fs.s3a.endpiont' is read by no storage module; did you mean"
                + " 'fs.s3a.endpoint' (the s3 module's)?",
            "setting 's3a.endpoint' is read by no storage module; did you mean 's3.endpoint' (the"
                + " s3 module's)?");
  }
}
