package io.lakeexporter.bench;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.sas.BlobContainerSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.storage.common.StorageSharedKeyCredential;
import io.lakeexporter.emulator.LakeFsEmulator;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectInfo;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.StorageRegistry;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.storage.azure.AzuriteServer;
import io.lakeexporter.storage.local.LocalStorageProvider;
import io.lakeexporter.storage.s3.S3ProxyServer;
import io.lakeexporter.testing.TestTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
   * What a tool left under {@code place}: objects and bytes, leaving out the exporter's status
   * files at the root and anything under a hidden upload folder.
   */
  Contents contents(Place place) throws IOException {
    if (place.side() == Side.S3 && s3Store == S3Store.FILESYSTEM) {
      return s3Contents(place);
    }
    Location root = location(place);
    ObjectStore store = storage.storeFor(root);
    long objects = 0;
    long bytes = 0;
    try (var listing = store.list(root.child(""))) {
      for (ObjectInfo info : (Iterable<ObjectInfo>) listing::iterator) {
        if (isBookkeeping(info.location())) {
          continue;
        }
        objects++;
        bytes += info.size();
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return new Contents(objects, bytes);
  }

  /**
   * {@link #contents} of an S3 place, read from S3Proxy's directory instead of listed through it:
   * S3Proxy reads every object's attributes to list it, seconds of CPU for 20,000 objects that the
   * server every tool shares would spend between the measured runs.
   */
  private Contents s3Contents(Place place) throws IOException {
    Path bucket = s3.bucketDirectory(place.container());
    Path root = s3Directory(place);
    if (!Files.isDirectory(root)) {
      return new Contents(0, 0);
    }
    long objects = 0;
    long bytes = 0;
    try (var files = Files.walk(root)) {
      for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        String key = bucket.relativize(file).toString();
        if (isBookkeeping(Location.parse("s3://" + place.container() + "/" + key))) {
          continue;
        }
        objects++;
        bytes += Files.size(file);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return new Contents(objects, bytes);
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
    Location root = location(place);
    return DestinationSnapshot.of(directory, key -> isBookkeeping(root.child(key)));
  }

  /** The directory that holds what S3Proxy stores under {@code place}. */
  private Path s3Directory(Place place) {
    Path bucket = s3.bucketDirectory(place.container());
    return place.prefix().isEmpty() ? bucket : bucket.resolve(place.prefix());
  }

  /** The exporter's status files and its folder of upload parts: not part of a dataset. */
  private static boolean isBookkeeping(Location object) {
    String name = object.name();
    return (name.startsWith("EXPORT_") && (name.endsWith("_SUCCESS") || name.endsWith("_FAILURE")))
        || object.path().contains("/.lakefs-export-uploads/");
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
    Contents left = contents(place);
    if (left.objects() != 0) {
      throw new IOException("clearing " + root + " left " + left.objects() + " objects there");
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
