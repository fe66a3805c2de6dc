package io.lakeexporter.storage.azure;

import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.StorageProvider;
import io.lakeexporter.storage.StorageSettings;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Azure Blob Storage locations (see {@link BlobRef} for the forms and {@link AzureAccounts} for
 * credentials). Plain {@code https} URLs of other services, such as S3 presigned URLs, are left to
 * the HTTP provider. Tuning: {@code azure.upload.threshold} (32MiB) and {@code
 * azure.upload.block-size} (16MiB) for writes; {@code azure.copy.block-threshold} (256MiB), {@code
 * azure.copy.block-size} (100MiB) and {@code azure.copy.concurrency} (8) for server-side copies;
 * {@code azure.copy.from-external-urls} (true) lets Azure fetch non-Azure sources (presigned S3 or
 * GCS URLs) itself. Azurite cannot fetch URLs outside itself: set it to false there, and such
 * copies stream through the exporter instead. {@code azure.list.page-size} (5000): blobs per
 * listing page; {@code azure.sdk.max-tries} (3): how often the SDK sends the requests it retries
 * itself (reads, properties, block commits, deletes; the copy engine retries writes and whole
 * objects); {@code azure.connection-timeout} (10s) and {@code azure.socket-timeout} (60s): how long
 * to wait for a connection, and for each read, write and answer.
 */
public final class AzureStorageProvider implements StorageProvider {

  @Override
  public String name() {
    return "azure";
  }

  @Override
  public Set<String> schemes() {
    return Set.of("https", "http", "abfs", "abfss", "wasb", "wasbs");
  }

  @Override
  public boolean supports(Location location, StorageSettings settings) {
    return BlobRef.of(location, settings).isPresent();
  }

  @Override
  public Optional<String> declines(Location location, StorageSettings settings) {
    return BlobRef.whyNot(location, settings);
  }

  @Override
  public Set<String> settingKeys() {
    var keys = new TreeSet<>(AzureAccounts.KEYS);
    keys.addAll(AzureBlobStore.KEYS);
    return keys;
  }

  @Override
  public ObjectStore create(StorageSettings settings) {
    return new AzureBlobStore(settings);
  }
}
