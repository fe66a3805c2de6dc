package io.lakeexporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import io.lakeexporter.filter.GlobRoundFilter;
import io.lakeexporter.filter.KeyFilter;
import io.lakeexporter.filter.SparkFilter;
import io.lakeexporter.source.LakeFsConfig;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.StorageProvider;
import io.lakeexporter.storage.StorageRegistry;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.storage.local.LocalFileStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExporterModuleTest {

  private final LakeFsConfig config =
      LakeFsConfig.builder()
          .apiUrl("http://127.0.0.1:1")
          .accessKeyId("a")
          .secretAccessKey("s")
          .build();

  /** Serves a made-up scheme, as a user's own storage module would. */
  public static final class MemoryProvider implements StorageProvider {
    @Override
    public String name() {
      return "mine";
    }

    @Override
    public Set<String> schemes() {
      return Set.of("mine");
    }

    @Override
    public ObjectStore create(StorageSettings settings) {
      return new LocalFileStore(Path.of("/tmp"));
    }
  }

  @Test
  void defaultsAreTheSparkFilterAndTheDiscoveredProviders() throws IOException {
    Injector injector = Guice.createInjector(new ExporterModule(config, "repo", "file:///tmp/out"));
    assertThat(injector.getInstance(KeyFilter.class)).isInstanceOf(SparkFilter.class);
    StorageRegistry registry = injector.getInstance(StorageRegistry.class);
    assertThat(registry.providers()).extracting(StorageProvider::name).contains("local", "http");
    assertThat(injector.getInstance(Exporter.class)).isNotNull();
  }

  /** As the constructor's javadoc says: Guice's exception, with the exporter's as its cause. */
  @Test
  void aDestinationThatIsNoLocationFailsWhenTheExporterIsMade() {
    Injector injector = Guice.createInjector(new ExporterModule(config, "repo", "s3://"));
    assertThatThrownBy(() -> injector.getInstance(Exporter.class))
        .isInstanceOf(ProvisionException.class)
        .cause()
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("s3://");
  }

  @Test
  void usersBindTheirOwnFilterAndProvider() throws IOException {
    KeyFilter mine = GlobRoundFilter.parse(";**/*.manifest");
    Injector injector =
        Guice.createInjector(
            new ExporterModule(config, "repo", "mine://bucket/out"),
            binder -> {
              OptionalBinder.newOptionalBinder(binder, KeyFilter.class)
                  .setBinding()
                  .toInstance(mine);
              Multibinder.newSetBinder(binder, StorageProvider.class)
                  .addBinding()
                  .to(MemoryProvider.class);
            });
    assertThat(injector.getInstance(KeyFilter.class)).isSameAs(mine);
    StorageRegistry registry = injector.getInstance(StorageRegistry.class);
    assertThat(registry.providerFor(Location.parse("mine://bucket/x")).name()).isEqualTo("mine");
    assertThat(injector.getInstance(Exporter.class)).isNotNull();
  }
}
