package io.lakeexporter.storage.local;

import io.lakeexporter.source.LakeFsConfig;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.StorageProvider;
import io.lakeexporter.storage.StorageSettings;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code file:} locations and lakeFS {@code local://} addresses. The lakeFS local blockstore
 * directory comes from {@value #BLOCKSTORE_PATH_KEY} (as lakeFS's {@code blockstore.local.path}),
 * by default {@code ~/lakefs/data/block} like lakeFS. {@value #FSYNC_KEY}{@code =true} forces every
 * file written, and its directory, to the disk before the write returns (see {@link
 * LocalFileStore}).
 */
public final class LocalStorageProvider implements StorageProvider {

  public static final String BLOCKSTORE_PATH_KEY = "lakefs.blockstore.local.path";

  /** Whether files are forced to the disk as they are written (default false). */
  public static final String FSYNC_KEY = "local.fsync";

  @Override
  public String name() {
    return "local";
  }

  @Override
  public Set<String> schemes() {
    return Set.of("file", "local");
  }

  @Override
  public Set<String> settingKeys() {
    return Set.of(BLOCKSTORE_PATH_KEY, FSYNC_KEY);
  }

  @Override
  public ObjectStore create(StorageSettings settings) {
    Path root =
        settings
            .get(BLOCKSTORE_PATH_KEY)
            .map(Path::of)
            .orElse(LakeFsConfig.homeDirectory().resolve(Path.of("lakefs", "data", "block")));
    return new LocalFileStore(root, settings.getBoolean(FSYNC_KEY, false));
  }
}
