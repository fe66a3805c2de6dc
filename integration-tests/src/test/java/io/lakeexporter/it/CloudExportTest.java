package io.lakeexporter.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakeexporter.ExportResult;
import io.lakeexporter.Exporter;
import io.lakeexporter.InvalidExportException;
import io.lakeexporter.StatusFileNotWrittenException;
import io.lakeexporter.copy.CopyStrategy;
import io.lakeexporter.emulator.LakeFsEmulator;
import io.lakeexporter.exec.SourceMode;
import io.lakeexporter.filter.GlobRoundFilter;
import io.lakeexporter.report.ActionOutcome;
import io.lakeexporter.report.DestinationLease;
import io.lakeexporter.report.ProgressListener;
import io.lakeexporter.report.RoundSummary;
import io.lakeexporter.report.StatusFile;
import io.lakeexporter.source.LakeFsClient;
import io.lakeexporter.source.LakeFsConfig;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectInfo;
import io.lakeexporter.storage.ObjectMetadata;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.StorageRegistry;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.storage.local.LocalStorageProvider;
import io.lakeexporter.testing.InterruptAfter;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end with repositories on an object store: store to store (server-side), store to files,
 * files to store, presigned URLs without store credentials, and diffs. Each backend subclasses it
 * with its real server.
 */
abstract class CloudExportTest {

  private static final int MIB = 1 << 20;
  private static final List<String> ODD_KEYS =
      List.of(
          "with space/a b.csv",
          "unicode/données-日本語.csv",
          "plus/a+b.csv",
          "percent/100%.csv",
          "hash/x#1.csv");

  @TempDir static Path work;
  static StorageSettings settings;
  static StorageRegistry storage;
  static LakeFsEmulator emulator;
  static LakeFsClient client;
  static byte[] large;

  @TempDir Path out;

  /** Starts the emulator over {@code settings} (the backend's, thresholds lowered). */
  static void start(StorageSettings backend) throws IOException {
    settings =
        backend.overlay(
            StorageSettings.of(Map.of(LocalStorageProvider.BLOCKSTORE_PATH_KEY, work.toString())));
    storage = StorageRegistry.discover(settings);
    emulator = LakeFsEmulator.builder().storage(storage).start();
    client =
        LakeFsClient.create(
            LakeFsConfig.builder()
                .apiUrl(emulator.apiUrl())
                .accessKeyId(emulator.accessKeyId())
                .secretAccessKey(emulator.secretAccessKey())
                .build());
    large = new byte[13 * MIB];
    new Random(5).nextBytes(large);
  }

  /** Where repositories live: a prefix to which the repository name is appended. */
  abstract String namespacePrefix();

  /** A destination root on the same store for {@code name}, without a trailing slash. */
  abstract String destination(String name);

  /** Creates a bucket (an Azure container) beside the backend's "export". */
  abstract void createBucket(String bucket);

  /** Deletes an empty bucket made by {@link #createBucket}. */
  abstract void deleteBucket(String bucket);

  /** Another way users write {@code location}, where the store has one. */
  String otherSpelling(String location) {
    return location;
  }

  /** Whether the emulator can presign this store's objects (GCS cannot without a key). */
  boolean presignSupported() {
    return true;
  }

  /** Settings of an exporter that knows the store but has no credentials for it. */
  StorageSettings withoutCredentials() {
    return StorageSettings.EMPTY;
  }

  @AfterAll
  static void stop() throws IOException {
    client.close();
    emulator.close();
    storage.close();
  }

  /** A repository on {@code namespace} with small, odd-keyed, large and marker objects. */
  static String repository(String namespace) throws IOException {
    String repo = "r" + UUID.randomUUID().toString().substring(0, 8);
    emulator.createRepository(repo, namespace + repo, "main");
    emulator.putObject(
        repo,
        "main",
        "data/part-0.parquet",
        bytes("p0"),
        "application/x-parquet",
        // "X-Amz-Meta-" as lakeFS's S3 gateway keeps the metadata a Spark job wrote through it.
        Map.of("owner", "team-a", "X-Amz-Meta-writer", "spark"));
    emulator.putObject(
        repo, "main", "data/_SUCCESS", new byte[0], "application/octet-stream", Map.of());
    emulator.putObject(repo, "main", "big/large.bin", large, "application/octet-stream", Map.of());
    for (String key : ODD_KEYS) {
      emulator.putObject(repo, "main", key, bytes(key), "text/csv", Map.of());
    }
    emulator.commit(repo, "main", "load");
    return repo;
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static Exporter.Builder exporter(String repo, String destination) {
    return Exporter.builder()
        .lakeFs(client)
        .repository(repo)
        .destination(destination)
        .storage(storage)
        .concurrency(4);
  }

  @Test
  void aDestinationInTheRepositorysStorageNamespaceIsRefusedHoweverItIsWritten()
      throws IOException {
    String repo = repository(namespacePrefix());
    for (String namespace :
        List.of(namespacePrefix() + repo, otherSpelling(namespacePrefix() + repo))) {
      try (Exporter exporter = exporter(repo, namespace + "/export/").build()) {
        assertThatThrownBy(() -> exporter.exportAllFromBranch("main"))
            .as(namespace)
            .isInstanceOf(InvalidExportException.class)
            .hasMessageContaining(
                "in the storage namespace of repository '"
                    + repo
                    + "' ("
                    + namespacePrefix()
                    + repo
                    + ")");
      }
    }
  }

  /**
   * A destination bucket (container) that does not exist is refused before anything is copied,
   * naming it, rather than failing every copy and then the status file.
   */
  @Test
  void aDestinationBucketThatDoesNotExistIsRefusedBeforeAnythingIsCopied() throws IOException {
    String repo = repository(namespacePrefix());
    String bucket = "missing-" + UUID.randomUUID().toString().substring(0, 8);
    // Every backend's destination(name) lies in its bucket (container) "export".
    String destination = destination("x/").replace("/export/", "/" + bucket + "/");
    try (Exporter exporter = exporter(repo, destination).build()) {
      assertThatThrownBy(() -> exporter.exportAllFromBranch("main"))
          .isInstanceOf(InvalidExportException.class)
          .hasMessageStartingWith("cannot export to ")
          .hasMessageContaining("'" + bucket + "' does not exist");
    }
  }

  /**
   * A destination bucket deleted during an export fails each copy after it in the store's words,
   * naming the bucket: every copy was reported as "source object missing", the source being there.
   */
  @Test
  void aDestinationBucketDeletedDuringAnExportIsNamedNotTakenForAMissingSource()
      throws IOException {
    String repo = repository(namespacePrefix());
    String bucket = "gone-" + UUID.randomUUID().toString().substring(0, 8);
    createBucket(bucket);
    String destination = destination("x/").replace("/export/", "/" + bucket + "/");
    // Round 1 holds nothing; the bucket goes when it ends, before round 2 copies anything.
    var deleteAfterRoundOne =
        new ProgressListener() {
          @Override
          public void roundFinished(RoundSummary summary) {
            if (summary.round() == 1) {
              // Emptied first, as S3 and GCS delete only an empty bucket: the export's lease is
              // all it holds.
              Location lease = Location.parse(destination).child(DestinationLease.NAME);
              try {
                assertThat(storage.storeFor(lease).delete(List.of(lease))).isEmpty();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
              deleteBucket(bucket);
            }
          }
        };
    try (Exporter exporter =
        exporter(repo, destination)
            .keyFilter(GlobRoundFilter.parse("nothing/**;"))
            .listener(deleteAfterRoundOne)
            .build()) {
      assertThatThrownBy(() -> exporter.exportAllFromBranch("main"))
          .isInstanceOfSatisfying(
              StatusFileNotWrittenException.class,
              e -> {
                assertThat(e.result().failures()).hasSize(expected().size());
                assertThat(e.result().failures())
                    .allSatisfy(
                        f ->
                            assertThat(f.error())
                                .contains("'" + bucket + "'")
                                .contains("does not exist")
                                .doesNotContain("source object missing"));
              });
    }
  }

  static byte[] read(Location l) throws IOException {
    try (InputStream in = storage.storeFor(l).read(l, 0, -1)) {
      return in.readAllBytes();
    }
  }

  static Map<String, byte[]> expected() {
    var m = new LinkedHashMap<String, byte[]>();
    m.put("data/part-0.parquet", bytes("p0"));
    m.put("data/_SUCCESS", new byte[0]);
    m.put("big/large.bin", large);
    ODD_KEYS.forEach(k -> m.put(k, bytes(k)));
    return m;
  }

  @Test
  void storeToStoreIsServerSideAndKeepsMetadata() throws IOException {
    String repo = repository(namespacePrefix());
    String root = destination(repo) + "/";
    ExportResult result;
    try (Exporter exporter = exporter(repo, root).build()) {
      result = exporter.exportAllFromBranch("main");
    }
    assertThat(result.succeeded()).as(result.failures().toString()).isTrue();
    assertThat(result.copiedBy(CopyStrategy.SERVER_SIDE)).isEqualTo(expected().size());
    for (var e : expected().entrySet()) {
      assertThat(read(Location.parse(root + e.getKey()))).as(e.getKey()).isEqualTo(e.getValue());
    }
    ObjectStore store = storage.storeFor(Location.parse(root));
    ObjectInfo parquet = store.stat(Location.parse(root + "data/part-0.parquet"));
    assertThat(parquet.metadata().contentType()).isEqualTo("application/x-parquet");
    assertThat(parquet.metadata().userMetadata())
        .containsEntry("owner", "team-a")
        .containsEntry("writer", "spark")
        .containsKey(ObjectMetadata.LAKEFS_CHECKSUM_KEY)
        .hasSize(3);
    String commit = result.commitId();
    assertThat(read(Location.parse(root + "EXPORT_" + commit + "_SUCCESS"))).isNotEmpty();
  }

  /**
   * The jar users run, in a process of its own, store to store with the settings in a --config
   * file. The jar merges the modules' service files and leaves some of their dependencies out
   * (exporter-cli's pom), which the modules' own tests never see: a storage module it bundles
   * wrongly only shows here.
   */
  @Test
  void theStandaloneJarExportsStoreToStore() throws Exception {
    String repo = repository(namespacePrefix());
    String root = destination("cli-" + repo) + "/";
    Path config = out.resolve("export.properties");
    var properties = new Properties();
    properties.putAll(settings.asMap());
    try (var writer = Files.newBufferedWriter(config)) {
      properties.store(writer, "storage settings of " + getClass().getSimpleName());
    }
    Path jar = Path.of(System.getProperty("cli.jar"));
    assertThat(jar).as("built by exporter-cli before this module").isRegularFile();
    var command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            jar.toString(),
            "export",
            repo,
            root,
            "--branch=main",
            "--lakefs-endpoint=" + emulator.apiUrl(),
            "--access-key-id=" + emulator.accessKeyId(),
            "--config=" + config,
            "--no-progress");
    var builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("LAKECTL_CREDENTIALS_SECRET_ACCESS_KEY", emulator.secretAccessKey());
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as(output).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    // The default round filter copies the _SUCCESS marker last, in a round of its own.
    assertThat(output)
        .contains("round 1 succeeded: " + (expected().size() - 1) + " copied")
        .contains("round 2 succeeded: 1 copied");
    for (var e : expected().entrySet()) {
      assertThat(read(Location.parse(root + e.getKey()))).as(e.getKey()).isEqualTo(e.getValue());
    }
    JsonNode status =
        LocalLakeFs.JSON.readTree(
            read(
                Location.parse(
                    root + "EXPORT_" + client.resolveBranch(repo, "main") + "_SUCCESS")));
    assertThat(status.path("totals").path("copied").asInt()).isEqualTo(expected().size());
    assertThat(status.path("rounds").path(0).path("copied_by").path("server-side").asInt())
        .as(status.toString())
        .isEqualTo(expected().size() - 1);
  }

  @Test
  void storeToLocalFilesStreamsAndSplitsLargeObjects() throws IOException {
    String repo = repository(namespacePrefix());
    String head = client.resolveBranch(repo, "main");
    ExportResult result;
    try (Exporter exporter =
        exporter(repo, out.toUri().toString())
            .multipartThreshold(8L * MIB)
            .partSize(4L * MIB)
            .build()) {
      result = exporter.exportAllFromCommit(head);
    }
    assertThat(result.succeeded()).as(result.failures().toString()).isTrue();
    assertThat(result.copiedBy(CopyStrategy.PARALLEL_PARTS)).isEqualTo(1);
    assertThat(result.copiedBy(CopyStrategy.STREAM)).isEqualTo(expected().size() - 1);
    for (var e : expected().entrySet()) {
      assertThat(Files.readAllBytes(out.resolve(e.getKey())))
          .as(e.getKey())
          .isEqualTo(e.getValue());
    }
  }

  @Test
  void localFilesToStoreWritesPartsAndMetadata() throws IOException {
    String repo = repository("local://");
    String root = destination("from-local-" + repo);
    ExportResult result;
    try (Exporter exporter =
        exporter(repo, root)
            .sourceMode(SourceMode.LAKEFS)
            .multipartThreshold(8L * MIB)
            .partSize(5L * MIB)
            .build()) {
      result = exporter.exportAllFromBranch("main");
    }
    assertThat(result.succeeded()).as(result.failures().toString()).isTrue();
    assertThat(result.copiedBy(CopyStrategy.PARALLEL_PARTS)).isEqualTo(1);
    for (var e : expected().entrySet()) {
      assertThat(read(Location.parse(root + "/" + e.getKey())))
          .as(e.getKey())
          .isEqualTo(e.getValue());
    }
    ObjectInfo info =
        storage.storeFor(Location.parse(root)).stat(Location.parse(root + "/with space/a b.csv"));
    assertThat(info.metadata().contentType()).isEqualTo("text/csv");
  }

  @Test
  void presignedUrlsExportWithoutCredentialsForTheSource() throws IOException {
    String repo = repository(namespacePrefix());
    // This exporter has no credentials for the store: it reads what lakeFS presigned.
    try (var bare = StorageRegistry.discover(withoutCredentials());
        Exporter exporter =
            Exporter.builder()
                .lakeFs(client)
                .repository(repo)
                .destination(out.toUri().toString())
                .storage(bare)
                .sourceMode(SourceMode.PRESIGNED)
                .multipartThreshold(8L * MIB)
                .partSize(4L * MIB)
                .build()) {
      ExportResult result = exporter.exportAllFromBranch("main");
      if (!presignSupported()) {
        // Documented: without presigned URLs every copy fails, naming the way out.
        assertThat(result.succeeded()).isFalse();
        assertThat(result.failures())
            .allSatisfy(f -> assertThat(f.error()).contains("use the lakefs source mode"));
        return;
      }
      assertThat(result.succeeded()).as(result.failures().toString()).isTrue();
      JsonNode status = LocalLakeFs.status(out, result.commitId(), true);
      assertThat(status.toString())
          .doesNotContain("Signature")
          .doesNotContain("X-Amz")
          .doesNotContain("sig=");
    }
    for (var e : expected().entrySet()) {
      assertThat(Files.readAllBytes(out.resolve(e.getKey())))
          .as(e.getKey())
          .isEqualTo(e.getValue());
    }
  }

  /**
   * An imported object's physical address is its key as it is: a key may end with a space, and
   * {@code x } is another object than {@code x}, which may exist too.
   */
  @Test
  void anAddressWhoseKeyEndsWithASpaceIsReadAsItIs() throws IOException {
    String repo = "r" + UUID.randomUUID().toString().substring(0, 8);
    emulator.createRepository(repo, namespacePrefix() + repo, "main");
    String imported = namespacePrefix() + "imported-" + repo + "/x";
    Location plain = Location.parse(imported);
    Location spaced = Location.parseAddress(imported + " ");
    assertThat(spaced.path()).endsWith("/x ");
    ObjectStore source = storage.storeFor(plain);
    byte[] other = bytes("wrong");
    byte[] right = bytes("right");
    source.write(plain, new ByteArrayInputStream(other), other.length, ObjectMetadata.EMPTY);
    source.write(spaced, new ByteArrayInputStream(right), right.length, ObjectMetadata.EMPTY);
    emulator.linkObject(
        repo, "main", "data.csv", spaced.toUnredactedString(), right.length, "", "text/csv");
    emulator.commit(repo, "main", "import");
    for (SourceMode mode : List.of(SourceMode.AUTO, SourceMode.LAKEFS)) {
      String root = destination("spaced-" + mode + "-" + repo);
      ExportResult result;
      try (Exporter exporter = exporter(repo, root).sourceMode(mode).build()) {
        result = exporter.exportAllFromBranch("main");
      }
      assertThat(result.succeeded()).as(mode + ": " + result.failures()).isTrue();
      assertThat(read(Location.parse(root + "/data.csv"))).as(mode.name()).isEqualTo(right);
    }
  }

  /** A repository under {@link #namespacePrefix()} holding nothing yet. */
  String emptyRepository() throws IOException {
    String repo = "r" + UUID.randomUUID().toString().substring(0, 8);
    emulator.createRepository(repo, namespacePrefix() + repo, "main");
    return repo;
  }

  /**
   * Imports the bytes {@code text} at {@code root + path} (as lakeFS imports by reference: the
   * bytes stay where they are) and links {@code path} to them on {@code repo}'s main branch. The
   * object is written with its own content type and metadata, which an export's copy would replace
   * with lakeFS's.
   */
  private static Location importAt(String repo, String root, String path, String text)
      throws IOException {
    Location at = Location.parse(root + "/" + path);
    byte[] data = bytes(text);
    storage
        .storeFor(at)
        .write(
            at,
            new ByteArrayInputStream(data),
            data.length,
            new ObjectMetadata("application/x-imported", Map.of("origin", "import")));
    emulator.linkObject(repo, "main", path, at.toUnredactedString(), data.length, "", "text/csv");
    return at;
  }

  /** Whether the object at {@code at} is still the one {@link #importAt} wrote there. */
  private static void assertStillImported(Location at, String text) throws IOException {
    assertThat(read(at)).as(at.toString()).isEqualTo(bytes(text));
    ObjectInfo info = storage.storeFor(at).stat(at);
    assertThat(info.metadata().contentType()).as(at.toString()).isEqualTo("application/x-imported");
    assertThat(info.metadata().userMetadata()).as(at.toString()).containsEntry("origin", "import");
  }

  /**
   * Exported back to where it was imported from, an object imported by reference is already at its
   * destination: it is left as it is, not rewritten over itself, and counted in place.
   */
  @Test
  void anObjectExportedToWhereItWasImportedFromIsLeftInPlace() throws IOException {
    String repo = emptyRepository();
    String root = destination("import-source-" + repo);
    Location imported = importAt(repo, root, "raw/a.csv", "imported a");
    emulator.putObject(repo, "main", "raw/b.csv", bytes("new b"), "text/csv", Map.of());
    String commit = emulator.commit(repo, "main", "import");
    ExportResult result;
    try (Exporter exporter = exporter(repo, root).build()) {
      result = exporter.exportAllFromBranch("main");
    }
    assertThat(result.succeeded()).as(result.failures().toString()).isTrue();
    assertThat(result.copied()).isEqualTo(2);
    assertThat(result.copiedBy(CopyStrategy.IN_PLACE)).isEqualTo(1);
    assertStillImported(imported, "imported a");
    assertThat(read(Location.parse(root + "/raw/b.csv"))).isEqualTo(bytes("new b"));
    JsonNode status =
        LocalLakeFs.JSON.readTree(read(Location.parse(root + "/EXPORT_" + commit + "_SUCCESS")));
    assertThat(status.path("rounds").path(0).path("copied_by").path("in-place").asInt())
        .as(status.toString())
        .isEqualTo(1);
  }

  /**
   * A diff exported back to an import's source would overwrite and delete the bytes the previous
   * commit still reads there: those keys are refused and reported, the rest exported.
   */
  @Test
  void aDiffNeitherOverwritesNorDeletesTheBytesAnEarlierCommitImported() throws IOException {
    String repo = emptyRepository();
    String root = destination("import-diff-" + repo);
    Location removed = importAt(repo, root, "raw/a.csv", "imported a");
    Location changed = importAt(repo, root, "raw/b.csv", "imported b");
    emulator.putObject(repo, "main", "raw/c.csv", bytes("c"), "text/csv", Map.of());
    String previous = emulator.commit(repo, "main", "import");
    try (Exporter exporter = exporter(repo, root).build()) {
      assertThat(exporter.exportAllFromBranch("main").succeeded()).isTrue();
    }
    emulator.deleteObject(repo, "main", "raw/a.csv");
    emulator.putObject(repo, "main", "raw/b.csv", bytes("b, edited"), "text/csv", Map.of());
    emulator.deleteObject(repo, "main", "raw/c.csv");
    emulator.putObject(repo, "main", "raw/d.csv", bytes("d"), "text/csv", Map.of());
    emulator.commit(repo, "main", "edit");

    ExportResult result;
    try (Exporter exporter = exporter(repo, root).build()) {
      result = exporter.exportFrom("main", previous);
    }

    assertThat(result.status()).isEqualTo(ExportResult.Status.FAILED);
    assertThat(result.failures())
        .extracting(f -> f.path() + " " + f.kind().label())
        .containsExactlyInAnyOrder("raw/a.csv delete", "raw/b.csv copy");
    assertThat(result.failures())
        .allSatisfy(
            f ->
                assertThat(f.error())
                    .contains("holds the bytes of '" + f.path() + "' in commit " + previous)
                    .contains("imported by reference"));
    assertStillImported(removed, "imported a");
    assertStillImported(changed, "imported b");
    assertThat(read(Location.parse(root + "/raw/d.csv"))).isEqualTo(bytes("d"));
    try (var left = storage.storeFor(changed).list(Location.parse(root + "/raw/"))) {
      assertThat(left)
          .extracting(o -> o.location().path().substring(o.location().path().lastIndexOf('/') + 1))
          .containsExactlyInAnyOrder("a.csv", "b.csv", "d.csv");
    }
  }

  /**
   * The store's client refuses requests on an interrupted thread (the AWS SDK, OkHttp); the failure
   * file is written all the same and counts what reached the store.
   */
  @Test
  void anInterruptedExportLeavesItsFailureFileOnTheStore() throws IOException {
    String repo = "r" + UUID.randomUUID().toString().substring(0, 8);
    emulator.createRepository(repo, "local://" + repo, "main");
    for (int i = 0; i < 60; i++) {
      emulator.putObject(
          repo, "main", String.format("rows/%03d.csv", i), bytes("row " + i), "text/csv", Map.of());
    }
    String head = emulator.commit(repo, "main", "rows");
    String root = destination("interrupted-" + repo);
    var interruptsAfterTen = new InterruptAfter(10);
    ExportResult result;
    boolean stillInterrupted;
    try (Exporter exporter =
        exporter(repo, root).concurrency(2).listener(interruptsAfterTen).build()) {
      result = exporter.exportAllFromBranch("main");
    } finally {
      stillInterrupted = Thread.interrupted();
    }
    assertThat(stillInterrupted).isTrue();
    assertThat(result.status()).isEqualTo(ExportResult.Status.FAILED);
    assertThat(result.error()).contains("interrupted");
    ObjectStore store = storage.storeFor(Location.parse(root));
    long copied;
    try (var listing = store.list(Location.parse(root + "/rows/"))) {
      copied = listing.count();
    }
    assertThat(copied).isBetween(10L, 59L);
    assertThat(result.copied()).isEqualTo(copied);
    JsonNode status =
        LocalLakeFs.JSON.readTree(read(Location.parse(root + "/EXPORT_" + head + "_FAILURE")));
    assertThat(status.path("totals").path("copied").asLong()).isEqualTo(copied);
  }

  /**
   * Skipping identical objects, a re-run copies only what the destination lacks or holds with other
   * bytes: the objects copied server-side the first time, the large one in parts among them, are
   * known by their checksum, and the rest are copied again.
   */
  @Test
  void skippingIdenticalObjectsAReRunCopiesOnlyWhatIsMissingOrChanged() throws IOException {
    String repo = repository(namespacePrefix());
    String root = destination("again-" + repo) + "/";
    ObjectStore store = storage.storeFor(Location.parse(root));
    try (Exporter exporter =
        exporter(repo, root)
            .skipIdentical(true)
            .multipartThreshold(8L * MIB)
            .partSize(5L * MIB)
            .build()) {
      ExportResult first = exporter.exportAllFromBranch("main");
      assertThat(first.succeeded()).as(first.failures().toString()).isTrue();
      assertThat(first.copiedBy(CopyStrategy.ALREADY_THERE)).isZero();
      // Other bytes of the same size, as another tool would write them; and a deleted object.
      store.write(
          Location.parse(root + "data/part-0.parquet"),
          new ByteArrayInputStream(bytes("q0")),
          2,
          ObjectMetadata.EMPTY);
      // The same bytes written by another tool, without the lakeFS checksum: the MD5 the store
      // keeps of them (S3's ETag, Cloud Storage's MD5, Azure's Content-MD5) proves them.
      byte[] same = bytes("hash/x#1.csv");
      store.write(
          Location.parse(root + "hash/x#1.csv"),
          new ByteArrayInputStream(same),
          same.length,
          ObjectMetadata.EMPTY);
      store.delete(List.of(Location.parse(root + "plus/a+b.csv")));
      // A dry run says so first, and writes nothing.
      ExportResult dry;
      try (Exporter dryRun = exporter(repo, root).skipIdentical(true).dryRun(true).build()) {
        dry = dryRun.exportAllFromBranch("main");
      }
      assertThat(dry.failures()).isEmpty();
      assertThat(dry.copiedBy(CopyStrategy.ALREADY_THERE)).isEqualTo(expected().size() - 2);
      assertThat(dry.bytes()).isEqualTo(2 + bytes("plus/a+b.csv").length);
      assertThatThrownBy(() -> read(Location.parse(root + "plus/a+b.csv")))
          .isInstanceOf(FileNotFoundException.class);
      ExportResult again = exporter.exportAllFromBranch("main");
      assertThat(again.succeeded()).as(again.failures().toString()).isTrue();
      assertThat(again.copied()).isEqualTo(expected().size());
      assertThat(again.copiedBy(CopyStrategy.ALREADY_THERE)).isEqualTo(expected().size() - 2);
      assertThat(again.bytes()).isEqualTo(2 + bytes("plus/a+b.csv").length);
    }
    for (var e : expected().entrySet()) {
      assertThat(read(Location.parse(root + e.getKey()))).as(e.getKey()).isEqualTo(e.getValue());
    }
  }

  @Test
  void diffExportCopiesChangesAndDeletesRemovedObjects() throws IOException {
    String repo = repository(namespacePrefix());
    String first = client.resolveBranch(repo, "main");
    String root = destination("diff-" + repo);
    try (Exporter exporter = exporter(repo, root).build()) {
      assertThat(exporter.exportAllFromCommit(first).succeeded()).isTrue();
      emulator.deleteObject(repo, "main", "plus/a+b.csv");
      emulator.putObject(
          repo, "main", "data/part-0.parquet", bytes("p0 v2"), "application/x-parquet", Map.of());
      emulator.putObject(
          repo, "main", "data/part-1.parquet", bytes("p1"), "application/x-parquet", Map.of());
      emulator.commit(repo, "main", "second");
      ExportResult diff = exporter.exportFrom("main", first);
      assertThat(diff.succeeded()).as(diff.failures().toString()).isTrue();
      assertThat(diff.copied()).isEqualTo(2);
      assertThat(diff.deleted()).isEqualTo(1);
    }
    assertThat(read(Location.parse(root + "/data/part-0.parquet"))).isEqualTo(bytes("p0 v2"));
    assertThat(read(Location.parse(root + "/data/part-1.parquet"))).isEqualTo(bytes("p1"));
    assertThatThrownBy(() -> read(Location.parse(root + "/plus/a+b.csv")))
        .isInstanceOf(FileNotFoundException.class);
  }

  /**
   * A key this store would refuse, or would keep under another name (perhaps over another object's
   * copy), is refused by name before anything is sent: the full export leaves nothing under such a
   * name and exports the key beside it; a diff that removes such keys deletes nothing for them.
   */
  @Test
  void aKeyTheStoreWouldNotKeepAsNamedIsRefusedByName() throws IOException {
    String repo = emptyRepository();
    Map<String, String> refused = keysRefusedByName();
    emulator.putObject(repo, "main", "named/x", bytes("plain"), "text/plain", Map.of());
    for (String key : refused.keySet()) {
      emulator.putObject(repo, "main", key, bytes("odd"), "text/plain", Map.of());
    }
    String first = emulator.commit(repo, "main", "odd names");
    String root = destination("names-" + repo);
    // A dry run finds them too, with no request sent for them, and writes nothing.
    try (Exporter dryRun = exporter(repo, root).dryRun(true).build()) {
      ExportResult planned = dryRun.exportAllFromCommit(first);
      assertThat(planned.status()).isEqualTo(ExportResult.Status.PLANNED);
      assertRefusedByName(planned, refused);
      assertThat(planned.copied()).isEqualTo(1);
      assertThat(planned.failed()).isEqualTo(refused.size());
    }
    assertThat(namesUnder(root)).isEmpty();
    try (Exporter exporter = exporter(repo, root).build()) {
      ExportResult full = exporter.exportAllFromCommit(first);
      assertRefusedByName(full, refused);
      assertThat(full.copied()).isEqualTo(1);
      // Nothing under another name either: Azure would read "named\\x" and "named/y/../x" as
      // "named/x".
      assertThat(namesUnder(root))
          .containsExactlyInAnyOrder("named/x", StatusFile.failureName(first));
      for (String key : refused.keySet()) {
        emulator.deleteObject(repo, "main", key);
      }
      emulator.commit(repo, "main", "odd names removed");
    }
    // From the failed export of the first commit, which the status file check refuses: the
    // refused names are what is tested here.
    try (Exporter exporter = exporter(repo, root).checkPreviousExport(false).build()) {
      ExportResult diff = exporter.exportFrom("main", first);
      assertRefusedByName(diff, refused);
      assertThat(diff.deleted()).isZero();
    }
    assertThat(read(Location.parse(root + "/named/x"))).isEqualTo(bytes("plain"));
  }

  /** The names of the objects under {@code root}, relative to it. */
  private static List<String> namesUnder(String root) throws IOException {
    Location at = Location.parse(root + "/");
    try (var objects = storage.storeFor(at).list(at)) {
      return objects.map(o -> o.location().path().substring(at.path().length())).toList();
    }
  }

  /**
   * A root under which the store would not keep even the status file's name is refused before
   * anything is listed or copied, rather than failing every key and then the status file.
   */
  @Test
  void aRootTooLongForTheStatusFilesNameIsRefusedFirst() throws IOException {
    String repo = repository(namespacePrefix());
    String root = destination("deep-" + "d".repeat(1000));
    try (Exporter exporter = exporter(repo, root).build()) {
      assertThatThrownBy(() -> exporter.exportAllFromBranch("main"))
          .isInstanceOf(InvalidExportException.class)
          .hasMessageStartingWith("cannot export to ")
          .hasMessageContaining(
              " store would not keep its status file (EXPORT_<commit>_FAILURE) under it: ")
          .hasMessageContaining("up to 1,024 ");
    }
    assertThat(namesUnder(root)).isEmpty();
  }

  /** Keys this store would not keep as named, each with words its refusal must hold. */
  abstract Map<String, String> keysRefusedByName();

  /**
   * A large object rewritten longer where it lies after lakeFS recorded it (an imported object)
   * fails its server-side copy, which would otherwise take the recorded ranges and count the object
   * copied, cut short; nothing is left at its destination.
   */
  @Test
  void aSourceRewrittenLongerWhereItLiesFailsItsServerSideCopy() throws IOException {
    ExportResult result = exportRewritten("longer-", Arrays.copyOf(large, large.length + 3));
    // Found before the copy in ranges, or by the size check of a whole copy (GCS).
    assertBigFailed(
        result,
        "the source holds more than the declared " + large.length + " bytes",
        "wrote " + (large.length + 3) + " bytes, expected " + large.length);
  }

  /**
   * The same, rewritten shorter: a store that stages a short range as it comes (Azurite's Put Block
   * From URL) ended the copy in ranges with a success and a short object.
   */
  @Test
  void aSourceRewrittenShorterWhereItLiesFailsItsServerSideCopy() throws IOException {
    ExportResult result = exportRewritten("shorter-", Arrays.copyOf(large, large.length - 100));
    assertBigFailed(
        result,
        "the source holds fewer than the declared " + large.length + " bytes",
        "wrote " + (large.length - 100) + " bytes, expected " + large.length);
  }

  /** Rewrites big/large.bin where it lies with {@code bytes}, then exports its commit. */
  private ExportResult exportRewritten(String rootPrefix, byte[] bytes) throws IOException {
    String repo = repository(namespacePrefix());
    String head = client.resolveBranch(repo, "main");
    Location address =
        Location.parseAddress(client.stat(repo, head, "big/large.bin", false).physicalAddress());
    storage
        .storeFor(address)
        .write(address, new ByteArrayInputStream(bytes), bytes.length, ObjectMetadata.EMPTY);
    String root = destination(rootPrefix + repo);
    try (Exporter exporter = exporter(repo, root).build()) {
      ExportResult result = exporter.exportAllFromCommit(head);
      assertThat(namesUnder(root)).doesNotContain("big/large.bin");
      return result;
    }
  }

  private static void assertBigFailed(ExportResult result, String... oneOf) {
    assertThat(result.succeeded()).isFalse();
    assertThat(result.failures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.path()).isEqualTo("big/large.bin");
              assertThat(f.error()).containsAnyOf(oneOf);
            });
  }

  /**
   * Whether the store carries user metadata in HTTP headers (S3, Azure), which do not tell names
   * apart by case and trim values; GCS takes it in JSON and keeps it as it is.
   */
  boolean metadataInHeaders() {
    return true;
  }

  /**
   * User metadata lakeFS keeps but a store would not (two names one apart in case only, a value
   * with an edge space, a character outside ASCII): where the store would lose part of it, the
   * object fails by name, at once, and is not written; where the store keeps it, it is copied as it
   * is.
   */
  @Test
  void metadataTheStoreWouldNotKeepAsItIsFailsItsObjectByName() throws IOException {
    String repo = emptyRepository();
    var odd =
        Map.of(
            "meta/case.txt",
            Map.of("dup", "lower", "DUP", "upper"),
            "meta/edge.txt",
            Map.of("k", " lead"),
            "meta/accent.txt",
            Map.of("k", "donn\u00e9es"));
    emulator.putObject(
        repo, "main", "meta/fine.txt", bytes("fine"), "text/plain", Map.of("owner", "x"));
    for (var e : odd.entrySet()) {
      emulator.putObject(repo, "main", e.getKey(), bytes(e.getKey()), "text/plain", e.getValue());
    }
    String commit = emulator.commit(repo, "main", "odd metadata");
    String root = destination("meta-" + repo);
    try (Exporter dryRun = exporter(repo, root).dryRun(true).build()) {
      ExportResult planned = dryRun.exportAllFromCommit(commit);
      assertThat(planned.failed()).isEqualTo(metadataInHeaders() ? odd.size() : 0);
      assertThat(planned.failures())
          .extracting(ActionOutcome::path)
          .containsExactlyInAnyOrderElementsOf(metadataInHeaders() ? odd.keySet() : Set.of());
    }
    ExportResult result;
    try (Exporter exporter = exporter(repo, root).build()) {
      result = exporter.exportAllFromCommit(commit);
    }
    if (!metadataInHeaders()) {
      assertThat(result.succeeded()).as(result.failures().toString()).isTrue();
      ObjectStore store = storage.storeFor(Location.parse(root + "/"));
      for (var e : odd.entrySet()) {
        assertThat(store.stat(Location.parse(root + "/" + e.getKey())).metadata().userMetadata())
            .as(e.getKey())
            .containsAllEntriesOf(e.getValue());
      }
      return;
    }
    assertThat(result.succeeded()).isFalse();
    Map<String, String> errors = new LinkedHashMap<>();
    result.failures().forEach(f -> errors.put(f.path(), f.error()));
    assertThat(errors.keySet()).containsExactlyInAnyOrderElementsOf(odd.keySet());
    assertThat(errors.get("meta/case.txt"))
        .contains("would not keep its metadata as it is")
        .contains("user metadata names 'DUP' and 'dup' differ only in case");
    assertThat(errors.get("meta/edge.txt"))
        .contains("the value of user metadata 'k' starts or ends with a space");
    assertThat(errors.get("meta/accent.txt"))
        .contains("the value of user metadata 'k' holds U+00E9")
        .doesNotContain("credentials");
    assertThat(result.failures()).allSatisfy(f -> assertThat(f.attempts()).isEqualTo(1));
    assertThat(namesUnder(root))
        .containsExactlyInAnyOrder("meta/fine.txt", StatusFile.failureName(commit));
  }

  private static void assertRefusedByName(ExportResult result, Map<String, String> refused) {
    assertThat(result.succeeded()).isFalse();
    Map<String, String> errors = new LinkedHashMap<>();
    result.failures().forEach(f -> errors.put(f.path(), f.error()));
    assertThat(errors.keySet()).containsExactlyInAnyOrderElementsOf(refused.keySet());
    refused.forEach(
        (key, words) ->
            assertThat(errors.get(key)).startsWith("refused key '" + key + "': ").contains(words));
  }
}
