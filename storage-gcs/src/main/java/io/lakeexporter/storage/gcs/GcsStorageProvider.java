package io.lakeexporter.storage.gcs;

import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.StorageProvider;
import io.lakeexporter.storage.StorageSettings;
import java.io.IOException;
import java.util.Set;

/**
 * {@code gs://} locations on Google Cloud Storage or an emulator. Settings (project key first, then
 * the Hadoop GCS connector key it stands for):
 *
 * <ul>
 *   <li>{@code gcs.project-id} / {@code fs.gs.project.id}
 *   <li>{@code gcs.endpoint}: an endpoint override (emulators, private endpoints)
 *   <li>{@code gcs.credentials-file} / {@code fs.gs.auth.service.account.json.keyfile}: a
 *       service-account JSON key; else Application Default Credentials
 *   <li>{@code gcs.no-auth} (false): send no credentials (emulators)
 *   <li>{@code gcs.upload.threshold} (4MiB): larger writes are resumable uploads
 *   <li>{@code gcs.compose.min-part-size} (5MiB): the part size floor of composite uploads
 *   <li>{@code gcs.sdk.max-attempts} (3): attempts the client makes at a stat, a listing or a
 *       compose; uploads, rewrites, reads and delete batches go out once each, and the copy engine
 *       retries them
 *   <li>{@code gcs.connection-timeout} (20s) and {@code gcs.socket-timeout} (20s): how long to wait
 *       for a connection and for each read of an answer
 * </ul>
 */
public final class GcsStorageProvider implements StorageProvider {

  @Override
  public String name() {
    return "gcs";
  }

  @Override
  public Set<String> schemes() {
    return Set.of("gs");
  }

  @Override
  public Set<String> settingKeys() {
    return GcsObjectStore.KEYS;
  }

  @Override
  public ObjectStore create(StorageSettings settings) throws IOException {
    return new GcsObjectStore(settings);
  }
}
