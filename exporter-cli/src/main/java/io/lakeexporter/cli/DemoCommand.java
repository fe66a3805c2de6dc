package io.lakeexporter.cli;

import io.lakeexporter.ExportException;
import io.lakeexporter.ExportResult;
import io.lakeexporter.Exporter;
import io.lakeexporter.InvalidExportException;
import io.lakeexporter.cli.args.CommandSpec;
import io.lakeexporter.cli.args.Option;
import io.lakeexporter.cli.args.ParsedArgs;
import io.lakeexporter.cli.args.UsageException;
import io.lakeexporter.emulator.LakeFsEmulator;
import io.lakeexporter.source.LakeFsClient;
import io.lakeexporter.source.LakeFsConfig;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.StorageRegistry;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.storage.local.LocalStorageProvider;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Shows an export end to end with nothing installed: starts the lakeFS emulator in-process with a
 * sample repository, exports its first commit in full, then the diff to the branch HEAD.
 */
final class DemoCommand implements Command {

  static final String REPOSITORY = "demo-repo";

  static final CommandSpec SPEC =
      new CommandSpec(
          "lakefs-export demo",
          List.of(
              "Exports a built-in sample repository (served by the lakeFS emulator) to a"
                  + " directory."),
          List.of(),
          List.of(
              Option.value("--to", "DIR", "Destination directory.")
                  .withDefault("lakefs-export-demo"),
              Option.count("Log what happens (-vv: in detail).", "-v", "--verbose")),
          List.of());

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public int run(ParsedArgs args, PrintWriter out, PrintWriter err) throws IOException {
    Logging.configure(args.count("--verbose"));
    String to = args.value("--to");
    if (to.matches("[A-Za-z][A-Za-z0-9+.-]*:/.*")) {
      // Taken as a path, s3://bucket/x would be a directory named "s3:" here.
      throw new UsageException(
          "--to takes a local directory, not '"
              + to
              + "': the demo exports to a directory; the export command exports to a store");
    }
    Path destination = args.path("--to");
    Path dest = destination.toAbsolutePath().normalize();
    Path work = Files.createTempDirectory("lakefs-export-demo-");
    try {
      var settings =
          StorageSettings.of(Map.of(LocalStorageProvider.BLOCKSTORE_PATH_KEY, work.toString()));
      try (var storage = StorageRegistry.discover(settings);
          var emulator = LakeFsEmulator.builder().storage(storage).start()) {
        Sample sample = seed(emulator);
        refuseOthersFiles(dest, sample);
        out.println("1. Started the lakeFS emulator at " + emulator.apiUrl());
        out.println("2. Created repository '" + REPOSITORY + "' on branch main:");
        out.println(
            "     commit "
                + sample.first()
                + "  (first: two Spark tables with _SUCCESS markers, docs, config)");
        out.println(
            "     commit "
                + sample.second()
                + "  (second: removes a file, changes one, adds a partition)");
        out.println("     plus one uncommitted file, scratch/draft.txt, which no export includes");
        LakeFsConfig config =
            LakeFsConfig.builder()
                .apiUrl(emulator.apiUrl())
                .accessKeyId(emulator.accessKeyId())
                .secretAccessKey(emulator.secretAccessKey())
                .build();
        LakeFsClient client = LakeFsClient.create(config);
        try (Exporter exporter =
            Exporter.builder()
                .lakeFs(client)
                .repository(REPOSITORY)
                .destination(Location.ofPath(dest))
                .storage(storage)
                .build()) {
          ExportResult full;
          try {
            full = exporter.exportAllFromCommit(sample.first());
          } catch (InvalidExportException e) {
            // --to names no usable directory
            throw UsageException.ofConfiguration(e.getMessage(), e);
          }
          out.println("3. Exported the first commit in full to " + dest + ":");
          Summary.print(out, full, config);
          ExportResult diff = exporter.exportFrom("main", sample.first());
          out.println("4. Exported the changes from the first commit to the HEAD of main:");
          Summary.print(out, diff, config);
          out.println("5. " + dest + " now holds:");
          printWritten(out, dest, sample);
          out.flush();
          return full.succeeded() && diff.succeeded() ? Main.OK : Main.FAILED;
        } catch (ExportException e) {
          // As the export command says it: a destination another export holds, say.
          out.flush();
          err.println("export failed: " + e.getMessage());
          return Main.FAILED;
        } finally {
          client.close();
        }
      }
    } finally {
      deleteTree(work);
    }
  }

  /**
   * The sample repository's two commits and every path either holds (the uncommitted one aside):
   * the files a demo writes besides its status files.
   */
  record Sample(String first, String second, Set<String> paths) {}

  /**
   * Refuses a destination that holds files the demo would not write: with {@code --to .} or an
   * existing directory the demo would replace a README.md or config/settings.json of the user's. An
   * earlier demo's output, marked by an export's file at its root, is taken again.
   */
  private static void refuseOthersFiles(Path dest, Sample sample) throws IOException {
    if (!Files.isDirectory(dest)) {
      return; // none yet, or a file: the export names what is wrong with it
    }
    boolean anExportsRoot;
    try (Stream<Path> top = Files.list(dest)) {
      anExportsRoot = top.anyMatch(p -> p.getFileName().toString().startsWith("EXPORT_"));
    }
    Optional<Path> foreign;
    try (Stream<Path> files = Files.walk(dest)) {
      foreign =
          files
              .filter(p -> !Files.isDirectory(p))
              .filter(p -> !demoWrote(dest.relativize(p), sample))
              .findFirst();
    }
    if (foreign.isEmpty() && !anExportsRoot) {
      // Only names the demo writes, but no export's file: a user's own README.md, say.
      foreign = firstFileUnder(dest);
    }
    if (foreign.isPresent()) {
      throw new UsageException(
          "--to "
              + dest
              + " holds files that are no earlier demo's (such as "
              + dest.relativize(foreign.get())
              + "), which the demo could overwrite: name a new or empty directory, or an"
              + " earlier demo's");
    }
  }

  /** Whether the demo writes {@code file}: a key of its repository or an export's own file. */
  private static boolean demoWrote(Path file, Sample sample) {
    String name = file.toString().replace(file.getFileSystem().getSeparator(), "/");
    return sample.paths().contains(name)
        || (file.getNameCount() == 1 && name.startsWith("EXPORT_"))
        || file.getFileName().toString().startsWith(".lakefs-export-");
  }

  private static Optional<Path> firstFileUnder(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> !Files.isDirectory(p)).findFirst();
    }
  }

  /** The sample repository: two commits on main, then a file left uncommitted. */
  static Sample seed(LakeFsEmulator emulator) throws IOException {
    var paths = new LinkedHashSet<String>();
    emulator.createRepository(REPOSITORY, "local://" + REPOSITORY, "main");
    put(
        emulator,
        paths,
        "README.md",
        "text/markdown",
        "# Demo repository\nExported by lakefs-export.\n");
    put(emulator, paths, "config/settings.json", "application/json", "{\"retention_days\": 30}\n");
    put(
        emulator,
        paths,
        "docs/old-notes.txt",
        "text/plain",
        "to be removed in the second commit\n");
    put(
        emulator,
        paths,
        "reports/q1 summary (final).txt",
        "text/plain",
        "keys with spaces survive\n");
    for (String date : new String[] {"2024-01-01", "2024-01-02"}) {
      for (int part = 0; part < 2; part++) {
        put(
            emulator,
            paths,
            "tables/events/date=" + date + "/part-0000" + part + ".parquet",
            "application/octet-stream",
            "events " + date + " part " + part + "\n");
      }
    }
    put(emulator, paths, "tables/events/_SUCCESS", "application/octet-stream", "");
    put(emulator, paths, "tables/users/part-00000.parquet", "application/octet-stream", "users\n");
    put(emulator, paths, "tables/users/_SUCCESS", "application/octet-stream", "");
    String first = emulator.commit(REPOSITORY, "main", "First load of events and users");

    emulator.deleteObject(REPOSITORY, "main", "docs/old-notes.txt");
    put(emulator, paths, "config/settings.json", "application/json", "{\"retention_days\": 90}\n");
    put(
        emulator,
        paths,
        "tables/events/date=2024-01-03/part-00000.parquet",
        "application/octet-stream",
        "events 2024-01-03 part 0\n");
    String second = emulator.commit(REPOSITORY, "main", "Second day: new partition, new settings");

    // Uncommitted: no export includes it, and no demo writes it.
    put(emulator, new LinkedHashSet<>(), "scratch/draft.txt", "text/plain", "uncommitted work\n");
    return new Sample(first, second, Set.copyOf(paths));
  }

  private static void put(
      LakeFsEmulator emulator, Set<String> paths, String path, String type, String content)
      throws IOException {
    paths.add(path);
    emulator.putObject(
        REPOSITORY, "main", path, content.getBytes(StandardCharsets.UTF_8), type, Map.of());
  }

  /** The files of this demo's commits in {@code dir}: not those an earlier demo's left. */
  private static void printWritten(PrintWriter out, Path dir, Sample sample) throws IOException {
    var commits = Set.of(sample.first(), sample.second());
    try (Stream<Path> files = Files.walk(dir)) {
      files
          .filter(Files::isRegularFile)
          .filter(
              p -> {
                String name = dir.relativize(p).toString();
                return sample.paths().contains(name)
                    || commits.stream().anyMatch(c -> name.startsWith("EXPORT_" + c + "_"));
              })
          .sorted()
          .forEach(
              p -> {
                try {
                  out.printf("     %-60s %6d bytes%n", dir.relativize(p), Files.size(p));
                } catch (IOException e) {
                  out.println("     " + dir.relativize(p));
                }
              });
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
