package io.lakeexporter;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import io.lakeexporter.filter.KeyFilter;
import io.lakeexporter.filter.SparkFilter;
import io.lakeexporter.report.ProgressListener;
import io.lakeexporter.source.LakeFsClient;
import io.lakeexporter.source.LakeFsConfig;
import io.lakeexporter.storage.StorageProvider;
import io.lakeexporter.storage.StorageRegistry;
import io.lakeexporter.storage.StorageSettings;
import java.util.ArrayList;
import java.util.Objects;
import java.util.Set;

/**
 * Wires an {@link Exporter} with the defaults: the {@link SparkFilter}, every {@link
 * StorageProvider} found by ServiceLoader, no progress listener. Users change a part without
 * replacing the rest:
 *
 * <pre>{@code
 * Injector injector = Guice.createInjector(
 *     new ExporterModule(config, "repo", "s3://bucket/export/"),
 *     binder -> {
 *       OptionalBinder.newOptionalBinder(binder, KeyFilter.class)
 *           .setBinding().toInstance(new MyFilter());
 *       Multibinder.newSetBinder(binder, StorageProvider.class)
 *           .addBinding().to(MyStorageProvider.class);
 *     });
 * Exporter exporter = injector.getInstance(Exporter.class);
 * }</pre>
 *
 * A provider added this way takes part in the usual priority order with the discovered ones.
 *
 * <p>The {@link LakeFsClient} and {@link StorageRegistry} it provides are singletons that the
 * exporters it makes use but do not close, and Guice closes nothing itself: when done, close them
 * as fetched from the injector, {@code injector.getInstance(LakeFsClient.class).close()} and {@code
 * injector.getInstance(StorageRegistry.class).close()}.
 */
public final class ExporterModule extends AbstractModule {

  private final LakeFsConfig lakeFs;
  private final String repository;
  private final String destination;
  private final StorageSettings settings;

  /**
   * Exports of {@code repository} to {@code destination}, the stores built with no settings but
   * their environment's (credentials chains, variables).
   */
  public ExporterModule(LakeFsConfig lakeFs, String repository, String destination) {
    this(lakeFs, repository, destination, StorageSettings.EMPTY);
  }

  /**
   * Exports of {@code repository} to {@code destination}, the stores built with {@code settings}. A
   * destination that is not a location, or that no storage module serves, fails when the exporter
   * is made, in Guice's {@code ProvisionException}, whose cause is the exporter's {@link
   * ExportException} saying what was wrong; what its store refuses, when an export starts.
   */
  public ExporterModule(
      LakeFsConfig lakeFs, String repository, String destination, StorageSettings settings) {
    this.lakeFs = Objects.requireNonNull(lakeFs, "lakeFs is null");
    this.repository = Objects.requireNonNull(repository, "repository is null");
    this.destination = Objects.requireNonNull(destination, "destination is null");
    this.settings = Objects.requireNonNull(settings, "settings is null");
  }

  @Override
  protected void configure() {
    OptionalBinder.newOptionalBinder(binder(), KeyFilter.class)
        .setDefault()
        .toInstance(new SparkFilter());
    OptionalBinder.newOptionalBinder(binder(), ProgressListener.class)
        .setDefault()
        .toInstance(ProgressListener.NONE);
    Multibinder.newSetBinder(binder(), StorageProvider.class);
    bind(StorageSettings.class).toInstance(settings);
  }

  @Provides
  @Singleton
  LakeFsClient lakeFsClient() {
    return LakeFsClient.create(lakeFs);
  }

  @Provides
  @Singleton
  StorageRegistry storageRegistry(Set<StorageProvider> bound, StorageSettings settings) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    var providers = new ArrayList<StorageProvider>(bound);
    for (StorageProvider found :
        StorageRegistry.discover(loader != null ? loader : getClass().getClassLoader())) {
      if (bound.stream().noneMatch(p -> p.name().equals(found.name()))) {
        providers.add(found);
      }
    }
    return new StorageRegistry(providers, settings);
  }

  @Provides
  Exporter exporter(
      LakeFsClient client, StorageRegistry storage, KeyFilter filter, ProgressListener listener) {
    return Exporter.builder()
        .lakeFs(client)
        .repository(repository)
        .destination(destination)
        .storage(storage)
        .keyFilter(filter)
        .listener(listener)
        .build();
  }
}
