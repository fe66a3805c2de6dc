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
import java.util.List;
import java.util.Map;
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
    Path work = Files.createTempDirectory("lakefs-export-demo-");
    Path dest = destination.toAbsolutePath().normalize();
    try {
      var settings =
          StorageSettings.of(Map.of(LocalStorageProvider.BLOCKSTORE_PATH_KEY, work.toString()));
      try (var storage = StorageRegistry.discover(settings);
          var emulator = LakeFsEmulator.builder().storage(storage).start()) {
        out.println("1. Started the lakeFS emulator at " + emulator.apiUrl());
        String[] commits = seed(emulator);
        out.println("2. Created repository '" + REPOSITORY + "' on branch main:");
        out.println(
            "     commit "
                + commits[0]
                + "  (first: two Spark tables with _SUCCESS markers, docs, config)");
        out.println(
            "     commit "
                + commits[1]
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
            full = exporter.exportAllFromCommit(commits[0]);
          } catch (InvalidExportException e) {
            throw new UsageException(e.getMessage(), e); // --to names no usable directory
          }
          out.println("3. Exported the first commit in full to " + dest + ":");
          Summary.print(out, full, config);
          ExportResult diff = exporter.exportFrom("main", commits[0]);
          out.println("4. Exported the changes from the first commit to the HEAD of main:");
          Summary.print(out, diff, config);
          out.println("5. " + dest + " now holds:");
          printTree(out, dest);
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

  /** The sample repository; returns the ids of its two commits. */
  static String[] seed(LakeFsEmulator emulator) throws IOException {
    emulator.createRepository(REPOSITORY, "local://" + REPOSITORY, "main");
    put(emulator, "README.md", "text/markdown", "# Demo repository\nExported by lakefs-export.\n");
    put(emulator, "config/settings.json", "application/json", "{\"retention_days\": 30}\n");
    put(emulator, "docs/old-notes.txt", "text/plain", "to be removed in the second commit\n");
    put(emulator, "reports/q1 summary (final).txt", "text/plain", "keys with spaces survive\n");
    for (String date : new String[] {"2024-01-01", "2024-01-02"}) {
      for (int part = 0; part < 2; part++) {
        put(
            emulator,
            "tables/events/date=" + date + "/part-0000" + part + ".parquet",
            "application/octet-stream",
            "events " + date + " part " + part + "\n");
      }
    }
    put(emulator, "tables/events/_SUCCESS", "application/octet-stream", "");
    put(emulator, "tables/users/part-00000.parquet", "application/octet-stream", "users\n");
    put(emulator, "tables/users/_SUCCESS", "application/octet-stream", "");
    String first = emulator.commit(REPOSITORY, "main", "First load of events and users");

    emulator.deleteObject(REPOSITORY, "main", "docs/old-notes.txt");
    put(emulator, "config/settings.json", "application/json", "{\"retention_days\": 90}\n");
    put(
        emulator,
        "tables/events/date=2024-01-03/part-00000.parquet",
        "application/octet-stream",
        "events 2024-01-03 part 0\n");
    String second = emulator.commit(REPOSITORY, "main", "Second day: new partition, new settings");

    put(emulator, "scratch/draft.txt", "text/plain", "uncommitted work\n");
    return new String[] {first, second};
  }

  private static void put(LakeFsEmulator emulator, String path, String type, String content)
      throws IOException {
    emulator.putObject(
        REPOSITORY, "main", path, content.getBytes(StandardCharsets.UTF_8), type, Map.of());
  }

  private static void printTree(PrintWriter out, Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files
          .filter(Files::isRegularFile)
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
