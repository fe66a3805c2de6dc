package io.lakeexporter.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeexporter.storage.http.HttpReadStore;
import io.lakeexporter.storage.http.HttpStorageProvider;
import io.lakeexporter.storage.local.LocalFileStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageRegistryTest {

  @Test
  void serviceLoaderFindsTheCoreProviders() throws IOException {
    try (StorageRegistry registry = StorageRegistry.discover(StorageSettings.EMPTY)) {
      assertThat(registry.providers()).extracting(StorageProvider::name).contains("local", "http");
      assertThat(registry.storeFor(Location.parse("file:///tmp/x")))
          .isInstanceOf(LocalFileStore.class);
      assertThat(registry.storeFor(Location.parse("local://ns/x")))
          .isInstanceOf(LocalFileStore.class);
      assertThat(registry.storeFor(Location.parse("https://h/x?sig=1")))
          .isInstanceOf(HttpReadStore.class);
      assertThat(registry.storeFor(Location.parse("file:///a")))
          .as("one store per provider")
          .isSameAs(registry.storeFor(Location.parse("file:///b")));
    }
  }

  @Test
  void aSpecificProviderWinsOverTheGenericOneForItsHosts() throws IOException {
    var special =
        new StorageProvider() {
          @Override
          public String name() {
            return "special";
          }

          @Override
          public Set<String> schemes() {
            return Set.of("https");
          }

          @Override
          public boolean supports(Location location, StorageSettings settings) {
            return location.authority().endsWith(".special.example");
          }

          @Override
          public ObjectStore create(StorageSettings settings) {
            return new LocalFileStore(Path.of("/special"));
          }
        };
    var providers = StorageRegistry.discover(getClass().getClassLoader());
    var all = new ArrayList<StorageProvider>(providers);
    all.add(special);
    try (StorageRegistry registry = new StorageRegistry(all, StorageSettings.EMPTY)) {
      assertThat(registry.providerFor(Location.parse("https://acct.special.example/c/k")).name())
          .isEqualTo("special");
      assertThat(registry.providerFor(Location.parse("https://other.example/c/k")).name())
          .isEqualTo("http");
    }
  }

  @Test
  void providersThatShareANameEachKeepTheirOwnStore(@TempDir Path dir) throws IOException {
    // A provider of mem:// that calls itself "local", beside the real local one.
    var misnamed =
        new StorageProvider() {
          @Override
          public String name() {
            return "local";
          }

          @Override
          public Set<String> schemes() {
            return Set.of("mem");
          }

          @Override
          public ObjectStore create(StorageSettings settings) {
            return new LocalFileStore(dir.resolve("mem-blocks"));
          }
        };
    var all = new ArrayList<StorageProvider>();
    all.add(misnamed);
    all.addAll(StorageRegistry.discover(getClass().getClassLoader()));
    try (StorageRegistry registry = new StorageRegistry(all, StorageSettings.EMPTY)) {
      ObjectStore mem = registry.storeFor(Location.parse("mem://bucket/key"));
      ObjectStore local = registry.storeFor(Location.ofPath(dir.resolve("export")));
      assertThat(local).as("the file store is not the mem provider's").isNotSameAs(mem);
      assertThat(registry.storeFor(Location.parse("local://ns/x"))).isSameAs(local);
      assertThat(registry.storeFor(Location.parse("mem://bucket/other"))).isSameAs(mem);
    }
  }

  @Test
  void aSettingAProviderRefusesIsNamed() {
    var settings = StorageSettings.of(Map.of(HttpStorageProvider.CONNECT_TIMEOUT_KEY, "abc"));
    try (StorageRegistry registry = StorageRegistry.discover(settings)) {
      assertThatThrownBy(() -> registry.storeFor(Location.parse("https://host/x")))
          .isInstanceOf(StorageRegistry.InvalidSettingsException.class)
          .hasMessage(
              "invalid http storage settings: setting http.connect-timeout must be a number, not"
                  + " 'abc'");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void anUnservedSchemeNamesTheLocationAndTheKnownSchemes() {
    var registry = new StorageRegistry(List.of(), StorageSettings.EMPTY);
    assertThatThrownBy(() -> registry.storeFor(Location.parse("s3://bucket/key")))
        .isInstanceOf(StorageRegistry.NoStorageProviderException.class)
        .hasMessageContaining("s3://bucket/key")
        .hasMessageContaining("none")
        .hasMessageContaining("storage module");
  }
}
