package io.lakeexporter.bench;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.sas.BlobContainerSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.storage.common.StorageSharedKeyCredential;
import io.lakeexporter.emulator.LakeFsEmulator;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectInfo;
import io.lakeexporter.storage.ObjectMetadata;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.StorageRegistry;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.storage.azure.AzuriteServer;
import io.lakeexporter.storage.local.LocalStorageProvider;
import io.lakeexporter.storage.s3.S3ProxyServer;
import io.lakeexporter.testing.TestTools;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The servers of one benchmark run, started as processes on 127.0.0.1: S3Proxy on the local disk
 * (or in its heap: {@link S3Store#MEMORY}), Azurite in memory (only when a scenario writes to
 * Azure, and anew for each run there: {@link #freshAzurite}), and the lakeFS emulator in this JVM.
 * Every tool reads and writes the same places through them.
 */
final class Workspace implements AutoCloseable {

  static final String SOURCE_BUCKET = "bench-src";
  static final String DESTINATION_BUCKET = "bench-dst";

  final Path dir;
  final Path localRoot;
  final S3ProxyServer s3;

  /** Where S3Proxy keeps the objects. */
  enum S3Store {
    /** Its {@code filesystem-nio2} store: a file per object, metadata in extended attributes. */
    FILESYSTEM,
    /** Its {@code transient-nio2} store: the same code on an in-memory file system. */
    MEMORY;

    static S3Store named(String name) {
      for (S3Store store : values()) {
        if (store.name().equalsIgnoreCase(name)) {
          return store;
        }
      }
      throw new IllegalArgumentException(
          "unknown S3Proxy store '" + name + "'; use filesystem or memory");
    }
  }

  private final S3Store s3Store;

  /** Null when no scenario of the run uses Azure; {@link #azurite()} says so. */
  private AzuriteServer azurite;

  /** Whether a run has written to Azurite since it started. */
  private boolean azuriteUsed;

  final Map<String, String> storageSettings;
  final StorageRegistry storage;
  final LakeFsEmulator emulator;

  private Workspace(Path dir, S3ProxyServer s3, S3Store s3Store, AzuriteServer azurite)
      throws IOException {
    this.dir = dir;
    this.s3Store = s3Store;
    this.localRoot = Files.createDirectories(dir.resolve("local"));
    this.s3 = s3;
    this.azurite = azurite;
    var settings = new LinkedHashMap<String, String>();
    settings.put(LocalStorageProvider.BLOCKSTORE_PATH_KEY, localRoot.toString());
    settings.putAll(s3.settings().asMap());
    if (azurite != null) {
      settings.putAll(azurite.settings().asMap());
    }
    this.storageSettings = Map.copyOf(settings);
    this.storage = StorageRegistry.discover(StorageSettings.of(storageSettings));
    this.emulator = LakeFsEmulator.builder().storage(storage).start();
    s3.createBucket(SOURCE_BUCKET);
    s3.createBucket(DESTINATION_BUCKET);
  }

  static Workspace start(Path dir, S3Store s3Store, boolean withAzure) throws IOException {
    Files.createDirectories(dir);
    // In memory, the heap holds every dataset written to S3 and every copy of it (the full
    // profile's about 5.5 GiB at most) with room for the collector.
    S3ProxyServer s3 =
        s3Store == S3Store.MEMORY ? S3ProxyServer.startInMemory("10g") : S3ProxyServer.start();
    try {
      return new Workspace(dir, s3, s3Store, withAzure ? AzuriteServer.start() : null);
    } catch (IOException | RuntimeException e) {
      s3.close();
      throw e;
    }
  }

  /** The place as the exporter and the storage SPI name it. */
  Location location(Place place) {
    return switch (place.side()) {
      case LOCAL -> Location.parse("local://" + place.path());
      case S3 -> Location.parse("s3://" + place.path());
      case AZURE -> Location.parse(azurite().location(place.container(), place.prefix()));
    };
  }

  Path localPath(Place place) {
    if (place.side() != Side.LOCAL) {
      throw new IllegalArgumentException("not a local place: " + place);
    }
    return localRoot.resolve(place.path());
  }

  /** Makes the bucket or container of {@code place} exist. */
  void prepare(Place place) throws IOException {
    switch (place.side()) {
      case LOCAL -> Files.createDirectories(localPath(place));
      case S3 -> s3.createBucket(place.container());
      case AZURE -> {
        azurite().createContainer(place.container());
        azuriteUsed = true;
      }
    }
  }

  /**
   * Before each run of a tool in a scenario that writes to Azure: an empty Azurite on the same port
   * in place of one that has served a run ({@link AzuriteServer#restarted}), then a wait until the
   * servers are idle again (node's start takes about a second of CPU). Its mark-and-sweep, due
   * every 10 minutes from its start, removes a deleted container's blocks one at a time: with one
   * earlier run's 20,000 blobs behind it, it held up the next tool's run for over 17 minutes. A new
   * one per run never has such a sweep ahead of it. False when the running one has served no run
   * yet.
   */
  boolean freshAzurite() throws IOException {
    if (!azuriteUsed) {
      return false;
    }
    azurite = azurite().restarted();
    azuriteUsed = false;
    awaitIdleServers();
    return true;
  }

  private static void awaitIdleServers() throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    double before = ServerCpu.seconds();
    do {
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while Azurite started", e);
      }
      double now = ServerCpu.seconds();
      if (now - before < 0.05) {
        return;
      }
      before = now;
    } while (System.nanoTime() < deadline);
  }

  /**
   * Every object under {@code place} by its key below it, with its size: status files, temporaries
   * and upload parts included, for {@link ContentCheck} to tell apart. Local places and S3Proxy's
   * filesystem store are read as files: the local store's listing hides the exporter's temporaries,
   * and S3Proxy reads every object's attributes to list it, seconds of CPU for 20,000 objects that
   * the server every tool shares would spend between the measured runs.
   */
  SortedMap<String, Long> listing(Place place) throws IOException {
    if (keepsFilesFor(place.side())) {
      return filesUnder(place.side() == Side.LOCAL ? localPath(place) : s3Directory(place));
    }
    Location root = location(place);
    String base =
        root.path().isEmpty() || root.path().endsWith("/") ? root.path() : root.path() + "/";
    ObjectStore store = storage.storeFor(root);
    var objects = new TreeMap<String, Long>();
    try (var listing = store.list(root.child(""))) {
      for (ObjectInfo info : (Iterable<ObjectInfo>) listing::iterator) {
        objects.put(info.location().path().substring(base.length()), info.size());
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return objects;
  }

  private static SortedMap<String, Long> filesUnder(Path directory) throws IOException {
    var objects = new TreeMap<String, Long>();
    if (!Files.isDirectory(directory)) {
      return objects;
    }
    try (var files = Files.walk(directory)) {
      for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        objects.put(keyOf(directory, file), Files.size(file));
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return objects;
  }

  private static String keyOf(Path directory, Path file) {
    return directory.relativize(file).toString().replace(File.separatorChar, '/');
  }

  /** Writes {@code bytes} as the object {@code key} under {@code place}, through its store. */
  void write(Place place, String key, byte[] bytes) throws IOException {
    Location object = location(place).child(key);
    storage
        .storeFor(object)
        .write(object, new ByteArrayInputStream(bytes), bytes.length, ObjectMetadata.EMPTY);
  }

  /** {@code place} as {@link ContentCheck} reads it. */
  ContentCheck.Destination destination(Place place) {
    return new ContentCheck.Destination() {
      @Override
      public SortedMap<String, Long> listing() throws IOException {
        return Workspace.this.listing(place);
      }

      @Override
      public InputStream read(String key, long offset, long length) throws IOException {
        return Workspace.this.read(place, key, offset, length);
      }
    };
  }

  /** {@code length} bytes from {@code offset} of the object {@code key} under {@code place}. */
  InputStream read(Place place, String key, long offset, long length) throws IOException {
    if (keepsFilesFor(place.side())) {
      Path directory = place.side() == Side.LOCAL ? localPath(place) : s3Directory(place);
      InputStream in = Files.newInputStream(directory.resolve(key));
      in.skipNBytes(offset);
      return in;
    }
    Location object = location(place).child(key);
    return storage.storeFor(object).read(object, offset, length);
  }

  /**
   * What identifies the version of the object {@code key} under {@code place} (the file's inode and
   * times, or the object's time and ETag), or empty when there is none: whether a run wrote its own
   * status file where an earlier run left one of the same name.
   */
  Optional<String> version(Place place, String key) throws IOException {
    if (keepsFilesFor(place.side())) {
      Path directory = place.side() == Side.LOCAL ? localPath(place) : s3Directory(place);
      Path file = directory.resolve(key);
      return Files.isRegularFile(file)
          ? Optional.of(Files.readAttributes(file, "unix:ino,lastModifiedTime,ctime").toString())
          : Optional.empty();
    }
    SortedMap<String, Long> objects = listing(place);
    if (!objects.containsKey(key)) {
      return Optional.empty();
    }
    Location object = location(place).child(key);
    ObjectInfo info = storage.storeFor(object).stat(object);
    return Optional.of(info.lastModified() + " " + info.etag());
  }

  /**
   * Whether {@link #snapshot} can see the files behind a destination on {@code side}: a local
   * folder, or S3Proxy's directory on its filesystem store (one file per object). S3Proxy in memory
   * and Azurite keep no such files.
   */
  boolean keepsFilesFor(Side side) {
    return side == Side.LOCAL || (side == Side.S3 && s3Store == S3Store.FILESYSTEM);
  }

  /**
   * The files that hold what {@code place} holds, as they are now (status files aside): taken
   * before and after a re-run, they show whether the run wrote anything there.
   */
  DestinationSnapshot snapshot(Place place) throws IOException {
    if (!keepsFilesFor(place.side())) {
      throw new IllegalArgumentException("no files to look at behind " + place);
    }
    Path directory = place.side() == Side.LOCAL ? localPath(place) : s3Directory(place);
    return DestinationSnapshot.of(directory, ContentCheck::isRootStatusFile);
  }

  /** The directory that holds what S3Proxy stores under {@code place}. */
  private Path s3Directory(Place place) {
    Path bucket = s3.bucketDirectory(place.container());
    return place.prefix().isEmpty() ? bucket : bucket.resolve(place.prefix());
  }

  /**
   * A URL with a shared access signature for the container of {@code place}, valid for a day: how a
   * tool that cannot be pointed at an emulator's host and port reaches Azurite.
   */
  String containerSasUrl(Place place) {
    var container = blobService().getBlobContainerClient(place.container());
    var permissions =
        new BlobContainerSasPermission()
            .setReadPermission(true)
            .setWritePermission(true)
            .setCreatePermission(true)
            .setAddPermission(true)
            .setListPermission(true)
            .setDeletePermission(true);
    String sas =
        container.generateSas(
            new BlobServiceSasSignatureValues(OffsetDateTime.now().plusDays(1), permissions));
    return container.getBlobContainerUrl() + "?" + sas;
  }

  private AzuriteServer azurite() {
    if (azurite == null) {
      throw new IllegalStateException("Azurite was not started: no selected scenario uses Azure");
    }
    return azurite;
  }

  private BlobServiceClient blobService() {
    return new BlobServiceClientBuilder()
        .endpoint(azurite().accountEndpoint())
        .credential(new StorageSharedKeyCredential(AzuriteServer.ACCOUNT, AzuriteServer.KEY))
        .buildClient();
  }

  /** Removes everything under {@code place} (a whole container on Azure: much faster there). */
  void clear(Place place) throws IOException {
    switch (place.side()) {
      case LOCAL -> TestTools.deleteTree(localPath(place));
      case AZURE -> blobService().getBlobContainerClient(place.container()).deleteIfExists();
      // Behind S3Proxy's back, for the reason s3Contents gives: it keeps no index of its own.
      case S3 -> {
        if (s3Store == S3Store.FILESYSTEM) {
          TestTools.deleteTree(s3Directory(place));
        } else {
          deleteThroughStore(place);
        }
      }
    }
  }

  /** Lists and deletes what is under {@code place} through the exporter's own store, in batches. */
  private void deleteThroughStore(Place place) throws IOException {
    Location root = location(place);
    ObjectStore store = storage.storeFor(root);
    var batch = new ArrayList<Location>();
    try (var listing = store.list(root.child(""))) {
      for (ObjectInfo info : (Iterable<ObjectInfo>) listing::iterator) {
        batch.add(info.location());
        if (batch.size() == store.maxDeleteBatch()) {
          deleteAll(store, batch);
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    deleteAll(store, batch);
    int left = listing(place).size();
    if (left != 0) {
      throw new IOException("clearing " + root + " left " + left + " objects there");
    }
  }

  private static void deleteAll(ObjectStore store, List<Location> batch) throws IOException {
    if (batch.isEmpty()) {
      return;
    }
    var failures = store.delete(batch);
    if (!failures.isEmpty()) {
      throw new IOException(
          "could not clear " + failures.size() + " objects, the first: " + failures.get(0));
    }
    batch.clear();
  }

  @Override
  public void close() throws IOException {
    try {
      emulator.close();
      storage.close();
    } finally {
      if (azurite != null) {
        azurite.close();
      }
      s3.close();
    }
  }

  /** What a folder holds. */
  record Contents(long objects, long bytes) {}
}
