package io.lakeexporter.storage.http;

import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.StorageProvider;
import io.lakeexporter.storage.StorageSettings;
import java.time.Duration;
import java.util.Set;

/**
 * Read-only {@code http(s)} locations (presigned URLs). The lowest priority: a provider for a
 * specific service on HTTPS (Azure Blob) wins for its hosts.
 */
public final class HttpStorageProvider implements StorageProvider {

  public static final String CONNECT_TIMEOUT_KEY = "http.connect-timeout";

  /** How long a read waits for an answer, or for its next bytes (2 minutes). */
  public static final String REQUEST_TIMEOUT_KEY = "http.request-timeout";

  @Override
  public String name() {
    return "http";
  }

  @Override
  public Set<String> schemes() {
    return Set.of("http", "https");
  }

  @Override
  public int priority() {
    return 0;
  }

  @Override
  public Set<String> settingKeys() {
    return Set.of(CONNECT_TIMEOUT_KEY, REQUEST_TIMEOUT_KEY);
  }

  @Override
  public ObjectStore create(StorageSettings settings) {
    return reader(settings);
  }

  /** The reader of presigned URLs and other {@code http(s)} locations, with these settings. */
  public static HttpReadStore reader(StorageSettings settings) {
    return new HttpReadStore(
        settings.getDuration(CONNECT_TIMEOUT_KEY, Duration.ofSeconds(10)),
        settings.getDuration(REQUEST_TIMEOUT_KEY, HttpReadStore.READ_TIMEOUT));
  }
}
