package io.lakeexporter.storage;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Finds the store for a location among the known providers and keeps one store per provider. Thread
 * safe; closing it closes every store it built.
 */
public final class StorageRegistry implements Closeable {

  private final List<StorageProvider> providers;
  private final StorageSettings settings;
  private final Map<String, ObjectStore> stores = new LinkedHashMap<>();
  private boolean closed;

  public StorageRegistry(List<? extends StorageProvider> providers, StorageSettings settings) {
    Objects.requireNonNull(providers, "providers is null");
    this.settings = Objects.requireNonNull(settings, "settings is null");
    var sorted = new ArrayList<StorageProvider>(providers);
    sorted.sort(Comparator.comparingInt(StorageProvider::priority).reversed());
    this.providers = List.copyOf(sorted);
  }

  /** Every provider on the class path of {@code loader}'s context, found with ServiceLoader. */
  public static List<StorageProvider> discover(ClassLoader loader) {
    var found = new ArrayList<StorageProvider>();
    ServiceLoader.load(StorageProvider.class, loader).forEach(found::add);
    return found;
  }

  /** A registry of every provider on the class path. */
  public static StorageRegistry discover(StorageSettings settings) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (loader == null) {
      loader = StorageRegistry.class.getClassLoader();
    }
    return new StorageRegistry(discover(loader), settings);
  }

  public List<StorageProvider> providers() {
    return providers;
  }

  public StorageSettings settings() {
    return settings;
  }

  /**
   * The store for {@code location}.
   *
   * @throws IOException naming the location and the known schemes when no provider serves it, or
   *     when the provider cannot build its store
   */
  public synchronized ObjectStore storeFor(Location location) throws IOException {
    Objects.requireNonNull(location, "location is null");
    if (closed) {
      throw new IllegalStateException("storage registry is closed");
    }
    StorageProvider provider = providerFor(location);
    ObjectStore store = stores.get(provider.name());
    if (store == null) {
      store = provider.create(settings);
      stores.put(provider.name(), store);
    }
    return store;
  }

  /** The provider that serves {@code location}. */
  public StorageProvider providerFor(Location location) throws IOException {
    for (StorageProvider provider : providers) {
      if (provider.supports(location, settings)) {
        return provider;
      }
    }
    String known =
        providers.stream()
            .flatMap(p -> p.schemes().stream())
            .distinct()
            .sorted()
            .collect(Collectors.joining(", "));
    throw new NoStorageProviderException(
        "no storage provider for "
            + location
            + " (schemes on the class path: "
            + (known.isEmpty() ? "none" : known)
            + "); add the matching storage module");
  }

  @Override
  public synchronized void close() throws IOException {
    closed = true;
    IOException first = null;
    for (ObjectStore store : stores.values()) {
      try {
        store.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    stores.clear();
    if (first != null) {
      throw first;
    }
  }

  /** No provider on the class path serves a location. */
  public static final class NoStorageProviderException extends IOException {
    private static final long serialVersionUID = 1L;

    public NoStorageProviderException(String message) {
      super(message);
    }
  }
}
