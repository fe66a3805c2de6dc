package io.lakeexporter.storage;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the store for a location among the known providers and keeps one store per provider
 * instance. Thread safe; closing it closes every store it built.
 */
public final class StorageRegistry implements Closeable {

  private static final Logger LOG = LoggerFactory.getLogger(StorageRegistry.class);

  private final List<StorageProvider> providers;
  private final StorageSettings settings;

  /**
   * By instance, not by {@link StorageProvider#name()}: two providers that share a name by mistake
   * must still each write to their own backend, never one to the other's.
   */
  private final Map<StorageProvider, ObjectStore> stores = new IdentityHashMap<>();

  private boolean closed;

  public StorageRegistry(List<? extends StorageProvider> providers, StorageSettings settings) {
    Objects.requireNonNull(providers, "providers is null");
    this.settings = Objects.requireNonNull(settings, "settings is null");
    var sorted = new ArrayList<StorageProvider>(providers);
    sorted.sort(Comparator.comparingInt(StorageProvider::priority).reversed());
    this.providers = List.copyOf(sorted);
    warnOfSharedNames(this.providers);
  }

  /** Names are for messages and settings keys; a name two providers share makes both unclear. */
  private static void warnOfSharedNames(List<StorageProvider> providers) {
    Map<String, StorageProvider> byName = new HashMap<>();
    for (StorageProvider provider : providers) {
      StorageProvider other = byName.putIfAbsent(provider.name(), provider);
      if (other != null && other != provider) {
        LOG.warn(
            "storage providers {} and {} are both named '{}'; a provider's name must be unique",
            other.getClass().getName(),
            provider.getClass().getName(),
            provider.name());
      }
    }
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

  /**
   * One line for each setting under a provider's name that the provider does not read ({@link
   * StorageProvider#settingKeys()}), naming the closest key it does; empty when all are known.
   */
  public List<String> unknownSettings() {
    return SettingKeys.unknown(settings.keys(), SettingKeys.of(providers));
  }

  /**
   * One line for each setting no provider reads that is one or two edits from one a provider does
   * ({@code fs.s3a.endpiont}); see {@link SettingKeys#nearMisses}.
   */
  public List<String> settingsNearMisses() {
    return SettingKeys.nearMisses(settings.keys(), providers);
  }

  public List<StorageProvider> providers() {
    return providers;
  }

  public StorageSettings settings() {
    return settings;
  }

  /** Whether {@link #close()} was called. */
  public synchronized boolean isClosed() {
    return closed;
  }

  /**
   * The store for {@code location}.
   *
   * @throws IOException naming the location and the known schemes when no provider serves it, or
   *     when the provider cannot build its store ({@link InvalidSettingsException} when it refuses
   *     the settings)
   */
  public synchronized ObjectStore storeFor(Location location) throws IOException {
    Objects.requireNonNull(location, "location is null");
    if (closed) {
      throw new IllegalStateException("storage registry is closed");
    }
    StorageProvider provider = providerFor(location);
    ObjectStore store = stores.get(provider);
    if (store == null) {
      try {
        store = provider.create(settings);
      } catch (IllegalArgumentException e) {
        // How providers refuse a setting (StorageSettings' parsers, their own checks).
        throw new InvalidSettingsException(
            "invalid " + provider.name() + " storage settings: " + e.getMessage(), e);
      }
      stores.put(provider, store);
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
    String declined = declinedBy(location);
    if (!declined.isEmpty()) {
      throw new NoStorageProviderException("no storage provider for " + location + ": " + declined);
    }
    throw new NoStorageProviderException(
        "no storage provider for "
            + location
            + " (schemes on the class path: "
            + (known.isEmpty() ? "none" : known)
            + "); add the matching storage module");
  }

  /**
   * Which modules serve {@code location}'s scheme but not the location itself (an abfss URL without
   * its container), in words for the message that no module serves it; empty when none.
   */
  private String declinedBy(Location location) {
    String why = whyDeclined(location);
    if (!why.isEmpty()) {
      return why;
    }
    String names =
        providers.stream()
            .filter(p -> p.schemes().contains(location.scheme()))
            .filter(p -> !p.supports(location, settings))
            .map(StorageProvider::name)
            .sorted()
            .collect(Collectors.joining(", "));
    return names.isEmpty()
        ? ""
        : "the "
            + names
            + " module serves "
            + location.scheme()
            + ":// locations, but not this one; check its form (bucket, container, account)";
  }

  /**
   * What the modules that take {@code location} for one of their own kind but do not serve it say
   * of it ({@link StorageProvider#declines}), as "the azure module does not serve it: it names no
   * container: ..."; empty when none says anything.
   */
  public String whyDeclined(Location location) {
    return providers.stream()
        .filter(p -> !p.supports(location, settings))
        .flatMap(
            p ->
                p.declines(location, settings).stream()
                    .map(why -> "the " + p.name() + " module does not serve it: " + why))
        .collect(Collectors.joining("; "));
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

  /** A provider refused the storage settings; the message names the setting. */
  public static final class InvalidSettingsException extends IOException {
    private static final long serialVersionUID = 1L;

    public InvalidSettingsException(String message, Throwable cause) {
      super(message, cause);
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
