package io.lakeexporter.cli;

import io.lakeexporter.ExportException;
import io.lakeexporter.ExportResult;
import io.lakeexporter.Exporter;
import io.lakeexporter.InvalidExportException;
import io.lakeexporter.OptionChecks;
import io.lakeexporter.PreviousExportMissingException;
import io.lakeexporter.StatusFileNotWrittenException;
import io.lakeexporter.cli.args.CommandSpec;
import io.lakeexporter.cli.args.Option;
import io.lakeexporter.cli.args.ParsedArgs;
import io.lakeexporter.cli.args.Positional;
import io.lakeexporter.cli.args.UsageException;
import io.lakeexporter.copy.RetryPolicy;
import io.lakeexporter.exec.SourceMode;
import io.lakeexporter.filter.GlobRoundFilter;
import io.lakeexporter.filter.KeyFilter;
import io.lakeexporter.filter.SparkFilter;
import io.lakeexporter.source.LakeFsClient;
import io.lakeexporter.source.LakeFsConfig;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.StorageSettings;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** {@code export <repo> <rootLocation> (--branch=B | --commit_id=C) [--prev_commit_id=P]} */
final class ExportCommand implements Command {

  static final CommandSpec SPEC =
      new CommandSpec(
          "lakefs-export export",
          List.of(
              "Exports a lakeFS commit to <rootLocation>.",
              "  --branch=B                     every object at the HEAD of B",
              "  --commit_id=C                  every object of commit C",
              "  --branch=B --prev_commit_id=P  only what changed from P to the HEAD of B",
              "lakeFS settings come from the options, then --config, then LAKECTL_* variables,"
                  + " then ~/.lakectl.yaml."),
          List.of(
              new Positional("<repo>", "The lakeFS repository."),
              new Positional(
                  "<rootLocation>",
                  "Destination root: s3://, gs://, https://<account>.blob.core.windows.net/,"
                      + " abfss://, file:// or a path.")),
          List.of(
              Option.value("--branch", "B", "Export the HEAD commit of this branch."),
              Option.value("--commit_id", "C", "Export this commit."),
              Option.value(
                  "--prev_commit_id",
                  "P",
                  "With --branch: export only the changes since this commit."),
              Option.value(
                  "--lakefs-endpoint", "URL", "lakeFS server, e.g. https://lakefs.example.com"),
              Option.value("--access-key-id", "KEY", "lakeFS access key id."),
              Option.value(
                  "--secret-access-key",
                  "SECRET",
                  "lakeFS secret access key (prefer LAKECTL_CREDENTIALS_SECRET_ACCESS_KEY: options"
                      + " show in process lists)."),
              Option.value(
                  "--config",
                  "FILE",
                  "Properties file with lakefs.api.* keys and storage settings (fs.s3a.*, s3.*,"
                      + " azure.*, gcs.*)."),
              Option.repeated(
                  "-D",
                  "KEY=VALUE",
                  "A storage (or lakefs.api.*) setting, repeatable; wins over --config."),
              Option.value(
                      "--concurrency",
                      "N",
                      "Objects copied at once, 1.." + OptionChecks.MAX_CONCURRENCY + ".")
                  .withDefault("16"),
              Option.flag(
                  "Count objects and bytes per round; write nothing. With --skip-identical, look"
                      + " each object up at the destination and say what a run would copy.",
                  "--dry-run"),
              Option.value(
                      "--source-mode",
                      "MODE",
                      "How to read sources: " + ParsedArgs.choices(SourceMode.class) + ".")
                  .withDefault("auto"),
              Option.value("--part-size", "SIZE", "Part size of multipart copies.")
                  .withDefault("16MiB"),
              Option.value(
                      "--multipart-threshold",
                      "SIZE",
                      "Objects this large are copied in parallel parts.")
                  .withDefault("32MiB"),
              Option.value(
                  "--rounds",
                  "SPEC",
                  "Round filter as globs: rounds separated by ';', patterns by ','; a key goes"
                      + " to the first round with a matching pattern, the rest to the empty round"
                      + " (or round 1). Default: Spark _SUCCESS markers last. Example:"
                      + " ';**/_delta_log/**'"),
              Option.value(
                      "--retries",
                      "N",
                      "Attempts per storage operation on transient faults, 1..100 (1: no"
                          + " retry).")
                  .withDefault("4"),
              Option.flag(
                  "Always stream bytes through this process, even within one store.",
                  "--no-server-side-copy"),
              Option.flag(
                  "Leave an object the destination holds already, the same bytes as proved by a"
                      + " checksum, instead of copying it again: a re-run copies only what is"
                      + " left. Costs a listing of the destination (in rounds of under 1,000"
                      + " objects a stat of each; on a filesystem also a read of each file of the"
                      + " same size).",
                  "--skip-identical"),
              Option.flag(
                  "With --prev_commit_id: diff even where the destination's newest status file"
                      + " is not that commit's export (by default such a diff is refused: it"
                      + " would write only what changed since that commit).",
                  "--no-previous-export-check"),
              Option.flag(
                  "Start copying without counting the objects first (no totals or ETA).",
                  "--no-count"),
              Option.flag(
                  "No progress output (and no counting pass, which only feeds its totals).",
                  "--no-progress"),
              Option.count(
                  "Log what happens (-vv: in detail), and stack traces on errors.",
                  "-v",
                  "--verbose")),
          List.of(
              "",
              "Exit codes: 0 exported, 1 the export failed (or a dry run found it would), 2 bad"
                  + " usage or configuration; stopped by a signal, 130 (Ctrl-C), 143 (SIGTERM) or"
                  + " 129 (SIGHUP), with its FAILURE status file.",
              "Example: export analytics s3://bucket/export/latest/ --branch=main"));

  private final Main.Environment environment;

  ExportCommand(Main.Environment environment) {
    this.environment = environment;
  }

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public int run(ParsedArgs args, PrintWriter out, PrintWriter err) {
    int verbosity = args.count("--verbose");
    Logging.configure(verbosity);
    Request request = Request.of(args);
    Properties fileSettings = ConfigFile.read(args.path("--config"));
    Exporter.Builder builder;
    LakeFsClient client;
    LakeFsConfig config;
    try {
      Map<String, String> keys = new LinkedHashMap<>();
      fileSettings.stringPropertyNames().forEach(k -> keys.put(k, fileSettings.getProperty(k)));
      keys.putAll(args.keyValues("-D"));
      config =
          LakeFsConfig.resolve(
              LakeFsConfig.builder()
                  .apiUrl(args.value("--lakefs-endpoint"))
                  .accessKeyId(args.value("--access-key-id"))
                  .secretAccessKey(args.value("--secret-access-key")),
              keys,
              environment.variables(),
              environment.lakectlFile());
      client = LakeFsClient.create(config);
      builder =
          Exporter.builder()
              .lakeFs(client)
              .repository(request.repository())
              .destination(request.root())
              .keyFilter(request.keyFilter())
              .concurrency(request.concurrency())
              .partSize(request.partSize())
              .multipartThreshold(request.multipartThreshold())
              .sourceMode(request.sourceMode())
              .retry(
                  new RetryPolicy(
                      request.attempts(),
                      RetryPolicy.DEFAULT.baseDelay(),
                      RetryPolicy.DEFAULT.maxDelay()))
              .serverSideCopy(!args.flag("--no-server-side-copy"))
              .skipIdentical(args.flag("--skip-identical"))
              .checkPreviousExport(!args.flag("--no-previous-export-check"))
              // The counting pass lists the commit once more only for the progress totals.
              .countFirst(!args.flag("--no-count") && !args.flag("--no-progress"))
              .dryRun(args.flag("--dry-run"))
              .storageSettings(StorageSettings.of(storageOnly(keys)));
    } catch (InvalidExportException e) {
      throw UsageException.ofConfiguration(e.getMessage(), e);
    }
    ProgressBar progress =
        args.flag("--no-progress") || args.flag("--dry-run")
            ? null
            : new ProgressBar(
                err, Terminal.stderrColumns(environment.variables()), !args.flag("--no-count"));
    if (progress != null) {
      builder.listener(progress);
    }
    // Installed before the exporter starts anything; ended once everything is said.
    var stop = StopOnSignal.install(err);
    try (Exporter exporter = builder.build()) {
      ExportResult result;
      try {
        result = request.run(exporter);
      } finally {
        if (progress != null) {
          progress.close();
        }
      }
      Summary.print(out, result, config, args.flag("--skip-identical"));
      return result.failedOrWouldFail() ? Main.FAILED : Main.OK;
    } catch (PreviousExportMissingException e) {
      throw UsageException.ofConfiguration(
          e.getMessage() + " (or --no-previous-export-check to diff anyway)", e);
    } catch (InvalidExportException e) {
      throw UsageException.ofConfiguration(e.getMessage(), e);
    } catch (StatusFileNotWrittenException e) {
      // The export ran: what it did, and which keys failed, is known though no file says so.
      Summary.print(out, e.result(), config);
      err.println("export failed: " + e.getMessage());
      if (verbosity > 0) {
        e.printStackTrace(err);
      }
      return Main.FAILED;
    } catch (ExportException e) {
      err.println("export failed: " + e.getMessage());
      if (verbosity > 0) {
        e.printStackTrace(err);
      }
      return Main.FAILED;
    } finally {
      client.close();
      out.flush();
      err.flush();
      stop.exportEnded();
    }
  }

  /** What to export, checked by the seed's rules before anything is contacted. */
  private record Request(
      String repository,
      String root,
      String branch,
      String commitId,
      String previousCommitId,
      int concurrency,
      int attempts,
      long partSize,
      long multipartThreshold,
      SourceMode sourceMode,
      KeyFilter keyFilter) {

    /**
     * Exactly one of --branch and --commit_id; a previous commit needs a branch; every value in its
     * range.
     */
    static Request of(ParsedArgs args) {
      var request =
          new Request(
              args.positional(0),
              args.positional(1),
              args.value("--branch"),
              args.value("--commit_id"),
              args.value("--prev_commit_id"),
              args.intValue("--concurrency", 0),
              args.intValue("--retries", 0),
              bytes("--part-size", args.value("--part-size")),
              bytes("--multipart-threshold", args.value("--multipart-threshold")),
              args.enumValue("--source-mode", SourceMode.class),
              roundFilter(args.value("--rounds")));
      if (request.branch != null && request.commitId != null) {
        throw new UsageException(
            "--branch and --commit_id exclude each other: export a branch HEAD or one commit");
      }
      if (request.branch == null && request.commitId == null) {
        throw new UsageException(
            "give --branch=B (its HEAD commit, or with --prev_commit_id the changes) or"
                + " --commit_id=C");
      }
      if (request.previousCommitId != null && request.branch == null) {
        throw new UsageException(
            "--prev_commit_id needs --branch: a diff export runs from that commit to the branch"
                + " HEAD");
      }
      if (request.previousCommitId == null && args.flag("--no-previous-export-check")) {
        throw new UsageException(
            "--no-previous-export-check applies to a diff export, which --prev_commit_id asks"
                + " for");
      }
      if (request.concurrency < 1 || request.concurrency > OptionChecks.MAX_CONCURRENCY) {
        throw new UsageException(
            "--concurrency must be 1.."
                + OptionChecks.MAX_CONCURRENCY
                + ", not "
                + request.concurrency);
      }
      if (request.attempts < 1 || request.attempts > 100) {
        throw new UsageException("--retries must be 1..100 attempts, not " + request.attempts);
      }
      try {
        Location.parse(request.root);
      } catch (IllegalArgumentException e) {
        throw new UsageException("invalid <rootLocation>: " + e.getMessage());
      }
      return request;
    }

    ExportResult run(Exporter exporter) {
      if (commitId != null) {
        return exporter.exportAllFromCommit(commitId);
      }
      if (previousCommitId != null) {
        return exporter.exportFrom(branch, previousCommitId);
      }
      return exporter.exportAllFromBranch(branch);
    }
  }

  /** Storage providers get no lakeFS credentials: nothing can leak what it never had. */
  private static Map<String, String> storageOnly(Map<String, String> keys) {
    var storage = new LinkedHashMap<>(keys);
    storage.keySet().removeIf(k -> k.startsWith("lakefs.api."));
    return storage;
  }

  private static KeyFilter roundFilter(String rounds) {
    if (rounds == null) {
      return new SparkFilter();
    }
    try {
      return GlobRoundFilter.parseStrict(rounds);
    } catch (IllegalArgumentException e) {
      throw new UsageException("invalid --rounds '" + rounds + "': " + e.getMessage());
    }
  }

  private static long bytes(String option, String value) {
    try {
      long n = StorageSettings.parseBytes(option, value);
      if (n < 1) {
        throw new IllegalArgumentException(option + " must be positive");
      }
      return n;
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new UsageException(option + " must be a size such as 8MiB or 1G, not '" + value + "'");
    }
  }
}
