package io.lakeexporter.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeexporter.emulator.LakeFsEmulator;
import io.lakeexporter.exec.SourceMode;
import io.lakeexporter.filter.SparkFilter;
import io.lakeexporter.plan.ExportMode;
import io.lakeexporter.source.LakeFsClient;
import io.lakeexporter.source.LakeFsConfig;
import io.lakeexporter.source.ObjectEntry;
import io.lakeexporter.storage.StorageRegistry;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.storage.local.LocalStorageProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The driver's splits of a listing, against the emulator: each path listed once, by one split. */
class ListingSplitTest {

  @TempDir static Path work;
  private static StorageRegistry storage;
  private static LakeFsEmulator emulator;
  private static LakeFsConfig config;
  private static LakeFsClient lakeFs;
  private static String head;

  @BeforeAll
  static void start() throws IOException {
    storage =
        StorageRegistry.discover(
            StorageSettings.of(Map.of(LocalStorageProvider.BLOCKSTORE_PATH_KEY, work.toString())));
    emulator = LakeFsEmulator.builder().storage(storage).start();
    config =
        LakeFsConfig.builder()
            .apiUrl(emulator.apiUrl())
            .accessKeyId(emulator.accessKeyId())
            .secretAccessKey(emulator.secretAccessKey())
            .build();
    emulator.createRepository("lake", "local://lake", "main");
    // A lake kept under one directory, as many are: one top-level split would list all of it.
    for (String path :
        List.of(
            "root.txt",
            "lake/top.txt",
            "lake/a/1",
            "lake/a/2",
            "lake/b/2",
            "lake/b/c/1",
            "lake/b/c/_SUCCESS",
            "lake/b0")) {
      put(path);
    }
    for (int i = 0; i < 150; i++) {
      put(String.format("lake/flat/%03d", i)); // more than the limit: listed whole, never twice
    }
    emulator.commit("lake", "main", "first");
    lakeFs = LakeFsClient.create(config);
    head = lakeFs.resolveBranch("lake", "main");
  }

  private static void put(String path) throws IOException {
    emulator.putObject(
        "lake", "main", path, path.getBytes(StandardCharsets.UTF_8), "text/plain", Map.of());
  }

  @AfterAll
  static void stop() throws IOException {
    lakeFs.close();
    emulator.close();
    storage.close();
  }

  @Test
  void aLakeUnderOneDirectoryIsSplitBelowIt() {
    List<ListingSplit> splits = ListingSplit.of(lakeFs, "lake", head, 10, 100);
    assertThat(splits)
        .containsExactly(
            ListingSplit.ROOT,
            new ListingSplit("lake/", true),
            new ListingSplit("lake/a/", true),
            new ListingSplit("lake/b/", true),
            new ListingSplit("lake/flat/", false),
            new ListingSplit("lake/b/c/", true));
    assertThat(listedBy(splits)).containsExactlyInAnyOrderElementsOf(allPaths());
  }

  @Test
  void enoughTopLevelSplitsAreNotLookedInto() {
    long pages = emulator.listingPagesServed();
    List<ListingSplit> splits = ListingSplit.of(lakeFs, "lake", head, 2, 100);
    assertThat(splits).containsExactly(ListingSplit.ROOT, new ListingSplit("lake/", false));
    assertThat(emulator.listingPagesServed() - pages).as("the top level only").isEqualTo(1);
    assertThat(listedBy(splits)).containsExactlyInAnyOrderElementsOf(allPaths());
  }

  @Test
  void theDescentStopsAtTheTargetAndAtTheDepthLimit() {
    List<ListingSplit> few = ListingSplit.of(lakeFs, "lake", head, 4, 1000);
    assertThat(few.size()).isBetween(4, 6);
    assertThat(listedBy(few)).containsExactlyInAnyOrderElementsOf(allPaths());
    List<ListingSplit> many = ListingSplit.of(lakeFs, "lake", head, 1000, 1000);
    assertThat(many).allMatch(s -> s.prefix().chars().filter(c -> c == '/').count() < 4);
    assertThat(listedBy(many)).containsExactlyInAnyOrderElementsOf(allPaths());
  }

  @Test
  void aSplitCoversThePathsItLists() {
    assertThat(ListingSplit.ROOT.covers("root.txt")).isTrue();
    assertThat(ListingSplit.ROOT.covers("lake/top.txt")).isFalse();
    assertThat(new ListingSplit("lake/", true).covers("lake/top.txt")).isTrue();
    assertThat(new ListingSplit("lake/", true).covers("lake/a/1")).isFalse();
    assertThat(new ListingSplit("lake/", false).covers("lake/a/1")).isTrue();
    assertThat(new ListingSplit("lake/", false).covers("lake0/a")).isFalse();
  }

  private static List<String> allPaths() {
    try (var all = lakeFs.listObjects("lake", head, "", "", false)) {
      return all.map(ObjectEntry::path).toList();
    }
  }

  /** What the executors list for these splits, in every round, with each path's repeats. */
  private static List<String> listedBy(List<ListingSplit> splits) {
    var spec =
        new JobSpec(
            config,
            "lake",
            ExportMode.COMMIT,
            head,
            null,
            new SparkFilter(),
            Map.of(),
            "file:///unused/",
            "",
            "",
            false,
            1,
            1 << 20,
            1 << 20,
            SourceMode.AUTO,
            false,
            List.of());
    var paths = new ArrayList<String>();
    for (ListingSplit split : splits) {
      for (int round = 1; round <= 2; round++) {
        ExecutorTasks.list(spec, split, round).forEachRemaining(a -> paths.add(a.path()));
      }
    }
    return paths;
  }
}
