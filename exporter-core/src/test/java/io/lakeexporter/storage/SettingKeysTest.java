package io.lakeexporter.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeexporter.InvalidExportException;
import io.lakeexporter.source.LakeFsConfig;
import io.lakeexporter.storage.http.HttpStorageProvider;
import io.lakeexporter.storage.local.LocalStorageProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SettingKeysTest {

  private static final SettingKeys S3 =
      new SettingKeys(
          "s3.",
          "the s3 module",
          Set.of("s3.endpoint", "s3.bucket.<bucket>.endpoint", "fs.s3a.endpoint"));

  @Test
  void aMisspeltKeyIsNamedWithTheClosestKnownOne() {
    assertThat(SettingKeys.unknown(Set.of("s3.endpont", "s3.endpoint"), List.of(S3)))
        .containsExactly(
            "unknown setting 's3.endpont': the s3 module has no such key; closest: s3.endpoint");
  }

  @Test
  void placeholdersStandForNamesWithDotsToo() {
    assertThat(
            SettingKeys.unknown(
                Set.of("s3.bucket.logs.example.com.endpoint", "s3.bucket.a.endpoint"), List.of(S3)))
        .isEmpty();
    assertThat(SettingKeys.unknown(Set.of("s3.bucket.a.endpont"), List.of(S3))).hasSize(1);
  }

  @Test
  void aModuleWhoseKeysAreAllOutsideItsNameTakesNoneUnderIt() {
    var hadoopOnly = new SettingKeys("gcs.", "the gcs module", Set.of("fs.gs.project.id"));
    assertThat(
            SettingKeys.unknown(Set.of("gcs.project-id", "fs.gs.project.id"), List.of(hadoopOnly)))
        .containsExactly("unknown setting 'gcs.project-id': the gcs module has no such key");
  }

  @Test
  void keysOutsideTheNamespaceAreNotJudged() {
    // Hadoop configurations carry every file system's keys; only the module's own are checked.
    assertThat(
            SettingKeys.unknown(
                Set.of("fs.s3a.fast.upload", "spark.master", "s3a.endpoint"), List.of(S3)))
        .isEmpty();
  }

  @Test
  void aProviderThatListsNoKeysTakesEveryKeyUnderItsName() {
    StorageProvider quiet =
        new StorageProvider() {
          @Override
          public String name() {
            return "custom";
          }

          @Override
          public Set<String> schemes() {
            return Set.of("custom");
          }

          @Override
          public ObjectStore create(StorageSettings settings) {
            throw new UnsupportedOperationException();
          }
        };
    var registry =
        new StorageRegistry(
            List.of(quiet, new LocalStorageProvider()),
            StorageSettings.of(Map.of("custom.anything", "1", "local.fsinc", "true")));
    assertThat(registry.unknownSettings())
        .containsExactly(
            "unknown setting 'local.fsinc': the local module has no such key; closest:"
                + " local.fsync");
  }

  @Test
  void anUnknownLakeFsKeyIsRefused() {
    assertThatThrownBy(() -> LakeFsConfig.fromKeys(Map.of("lakefs.api.secret-key", "s3cr3t")))
        .isInstanceOf(InvalidExportException.class)
        .hasMessageContaining("'lakefs.api.secret-key'")
        .hasMessageContaining("closest: lakefs.api.secret_key")
        .hasMessageNotContaining("s3cr3t");
  }

  @Test
  void theCoreProvidersListEveryKeyTheyRead() {
    Path sources = Path.of("src/main/java/io/lakeexporter/storage");
    SettingKeysInSources.assertListed(new LocalStorageProvider(), sources.resolve("local"));
    SettingKeysInSources.assertListed(new HttpStorageProvider(), sources.resolve("http"));
  }

  @Test
  void distanceCountsSingleEdits() {
    assertThat(SettingKeys.distance("s3.endpont", "s3.endpoint")).isEqualTo(1);
    assertThat(SettingKeys.distance("", "abc")).isEqualTo(3);
    assertThat(SettingKeys.distance("kitten", "sitting")).isEqualTo(3);
  }
}
