package io.lakeexporter.cli;

import io.lakeexporter.ExportException;
import io.lakeexporter.ExportResult;
import io.lakeexporter.Exporter;
import io.lakeexporter.InvalidExportException;
import io.lakeexporter.copy.RetryPolicy;
import io.lakeexporter.exec.SourceMode;
import io.lakeexporter.filter.GlobRoundFilter;
import io.lakeexporter.filter.KeyFilter;
import io.lakeexporter.filter.SparkFilter;
import io.lakeexporter.source.LakeFsClient;
import io.lakeexporter.source.LakeFsConfig;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.StorageSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code export <repo> <rootLocation> (--branch=B | --commit_id=C) [--prev_commit_id=P]} */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Exports a lakeFS commit to <rootLocation>.",
      "  --branch=B                     every object at the HEAD of B",
      "  --commit_id=C                  every object of commit C",
      "  --branch=B --prev_commit_id=P  only what changed from P to the HEAD of B",
      "lakeFS settings come from the options, then --config, then LAKECTL_* variables,"
          + " then ~/.lakectl.yaml."
    },
    footer = {
      "",
      "Exit codes: 0 exported, 1 the export failed, 2 bad usage or configuration.",
      "Example: export analytics s3://bucket/export/latest/ --branch=main"
    })
final class ExportCommand implements Callable<Integer> {

  private final Main.Environment environment;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<repo>", description = "The lakeFS repository.")
  String repository;

  @Parameters(
      index = "1",
      paramLabel = "<rootLocation>",
      description =
          "Destination root: s3://, gs://, https://<account>.blob.core.windows.net/, abfss://, file:// or a path.")
  String root;

  @Option(
      names = "--branch",
      paramLabel = "B",
      description = "Export the HEAD commit of this branch.")
  String branch;

  @Option(names = "--commit_id", paramLabel = "C", description = "Export this commit.")
  String commitId;

  @Option(
      names = "--prev_commit_id",
      paramLabel = "P",
      description = "With --branch: export only the changes since this commit.")
  String previousCommitId;

  @Option(
      names = "--lakefs-endpoint",
      paramLabel = "URL",
      description = "lakeFS server, e.g. https://lakefs.example.com")
  String endpoint;

  @Option(names = "--access-key-id", paramLabel = "KEY", description = "lakeFS access key id.")
  String accessKeyId;

  @Option(
      names = "--secret-access-key",
      paramLabel = "SECRET",
      description =
          "lakeFS secret access key (prefer LAKECTL_CREDENTIALS_SECRET_ACCESS_KEY: options show in process lists).")
  String secretAccessKey;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Properties file with lakefs.api.* keys and storage settings (fs.s3a.*, s3.*, azure.*, gcs.*).")
  Path configFile;

  @Option(
      names = "-D",
      paramLabel = "KEY=VALUE",
      description = "A storage (or lakefs.api.*) setting, repeatable; wins over --config.")
  Map<String, String> settings = new LinkedHashMap<>();

  @Option(
      names = "--concurrency",
      defaultValue = "16",
      description = "Objects copied at once (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--dry-run", description = "Count objects and bytes per round; write nothing.")
  boolean dryRun;

  @Option(
      names = "--source-mode",
      defaultValue = "auto",
      paramLabel = "MODE",
      description = "How to read sources: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  SourceMode sourceMode;

  @Option(
      names = "--part-size",
      defaultValue = "16MiB",
      paramLabel = "SIZE",
      description = "Part size of multipart copies (default: ${DEFAULT-VALUE}).")
  String partSize;

  @Option(
      names = "--multipart-threshold",
      defaultValue = "32MiB",
      paramLabel = "SIZE",
      description = "Objects this large are copied in parallel parts (default: ${DEFAULT-VALUE}).")
  String multipartThreshold;

  @Option(
      names = "--rounds",
      paramLabel = "SPEC",
      description =
          "Round filter as globs: rounds separated by ';', patterns by ','; an empty round takes the rest."
              + " Default: Spark _SUCCESS markers last. Example: ';**/_delta_log/**'")
  String rounds;

  @Option(
      names = "--retries",
      defaultValue = "4",
      paramLabel = "N",
      description =
          "Attempts per storage operation on transient faults (default: ${DEFAULT-VALUE}).")
  int attempts;

  @Option(
      names = "--no-server-side-copy",
      description = "Always stream bytes through this process, even within one store.")
  boolean noServerSideCopy;

  @Option(
      names = "--no-count",
      description = "Start copying without counting the objects first (no totals or ETA).")
  boolean noCount;

  @Option(
      names = "--no-progress",
      description = "No progress output (and no counting pass, which only feeds its totals).")
  boolean noProgress;

  @Option(
      names = {"-v", "--verbose"},
      description = "Log what happens (-vv: in detail), and stack traces on errors.")
  boolean[] verbose = new boolean[0];

  ExportCommand(Main.Environment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Logging.configure(verbose.length);
    validateArguments();
    Properties fileSettings = readConfigFile();
    Exporter.Builder builder;
    LakeFsClient client;
    LakeFsConfig config;
    try {
      Map<String, String> keys = new LinkedHashMap<>();
      fileSettings.stringPropertyNames().forEach(k -> keys.put(k, fileSettings.getProperty(k)));
      keys.putAll(settings);
      config =
          LakeFsConfig.resolve(
              LakeFsConfig.builder()
                  .apiUrl(endpoint)
                  .accessKeyId(accessKeyId)
                  .secretAccessKey(secretAccessKey),
              keys,
              environment.variables(),
              environment.lakectlFile());
      client = LakeFsClient.create(config);
      builder =
          Exporter.builder()
              .lakeFs(client)
              .repository(repository)
              .destination(root)
              .keyFilter(keyFilter())
              .concurrency(concurrency)
              .partSize(bytes("--part-size", partSize))
              .multipartThreshold(bytes("--multipart-threshold", multipartThreshold))
              .sourceMode(sourceMode)
              .retry(
                  new RetryPolicy(
                      attempts, RetryPolicy.DEFAULT.baseDelay(), RetryPolicy.DEFAULT.maxDelay()))
              .serverSideCopy(!noServerSideCopy)
              // The counting pass lists the commit once more only for the progress totals.
              .countFirst(!noCount && !noProgress)
              .dryRun(dryRun)
              .storageSettings(StorageSettings.of(storageOnly(keys)));
    } catch (InvalidExportException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    ProgressBar progress =
        noProgress || dryRun ? null : new ProgressBar(err, System.console() != null, !noCount);
    if (progress != null) {
      builder.listener(progress);
    }
    try (Exporter exporter = builder.build()) {
      ExportResult result;
      try {
        result = run(exporter);
      } finally {
        if (progress != null) {
          progress.close();
        }
      }
      Summary.print(out, result, config);
      return result.status() == ExportResult.Status.FAILED ? Main.FAILED : Main.OK;
    } catch (InvalidExportException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    } catch (ExportException e) {
      err.println("export failed: " + e.getMessage());
      if (verbose.length > 0) {
        e.printStackTrace(err);
      }
      return Main.FAILED;
    } finally {
      client.close();
    }
  }

  private ExportResult run(Exporter exporter) {
    if (commitId != null) {
      return exporter.exportAllFromCommit(commitId);
    }
    if (previousCommitId != null) {
      return exporter.exportFrom(branch, previousCommitId);
    }
    return exporter.exportAllFromBranch(branch);
  }

  /**
   * The seed's rules: exactly one of --branch and --commit_id; a previous commit needs a branch.
   */
  private void validateArguments() {
    if (branch != null && commitId != null) {
      usage("--branch and --commit_id exclude each other: export a branch HEAD or one commit");
    }
    if (branch == null && commitId == null) {
      usage(
          "give --branch=B (its HEAD commit, or with --prev_commit_id the changes) or --commit_id=C");
    }
    if (previousCommitId != null && branch == null) {
      usage(
          "--prev_commit_id needs --branch: a diff export runs from that commit to the branch HEAD");
    }
    if (concurrency < 1 || concurrency > 1024) {
      usage("--concurrency must be 1..1024, not " + concurrency);
    }
    if (attempts < 1 || attempts > 100) {
      usage("--retries must be 1..100 attempts, not " + attempts);
    }
    try {
      Location.parse(root);
    } catch (IllegalArgumentException e) {
      usage("invalid <rootLocation>: " + e.getMessage());
    }
  }

  /** Storage providers get no lakeFS credentials: nothing can leak what it never had. */
  private static Map<String, String> storageOnly(Map<String, String> keys) {
    var storage = new LinkedHashMap<>(keys);
    storage.keySet().removeIf(k -> k.startsWith("lakefs.api."));
    return storage;
  }

  private KeyFilter keyFilter() {
    if (rounds == null) {
      return new SparkFilter();
    }
    GlobRoundFilter filter;
    try {
      filter = GlobRoundFilter.parse(rounds);
    } catch (IllegalArgumentException e) {
      throw usage("invalid --rounds '" + rounds + "': " + e.getMessage());
    }
    // The parser accepts what would surely surprise: say so instead of exporting in a wrong order.
    if (rounds.isBlank()) {
      throw usage("--rounds is empty; e.g. ';**/_SUCCESS' puts Spark markers in a last round");
    }
    int catchAll = 0;
    for (int i = 0; i < filter.globs().size(); i++) {
      List<String> globs = filter.globs().get(i);
      if (globs.isEmpty()) {
        if (catchAll > 0) {
          throw usage(
              "invalid --rounds '"
                  + rounds
                  + "': round "
                  + (i + 1)
                  + " has no patterns, but round "
                  + catchAll
                  + " already takes every key no pattern matches");
        }
        catchAll = i + 1;
      }
      for (String glob : globs) {
        if (glob.chars().anyMatch(c -> "{}[]".indexOf(c) >= 0)) {
          throw usage(
              "invalid --rounds '"
                  + rounds
                  + "': glob '"
                  + glob
                  + "' uses {} or [], which --rounds does not support; list the patterns"
                  + " separated by ',' (only *, ** and ? are wildcards)");
        }
      }
    }
    return filter;
  }

  private long bytes(String option, String value) {
    try {
      long n = StorageSettings.parseBytes(option, value);
      if (n < 1) {
        throw new IllegalArgumentException(option + " must be positive");
      }
      return n;
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw usage(option + " must be a size such as 8MiB or 1G, not '" + value + "'");
    }
  }

  private Properties readConfigFile() {
    var properties = new Properties();
    if (configFile == null) {
      return properties;
    }
    try (InputStream in = Files.newInputStream(configFile)) {
      properties.load(in);
    } catch (IOException e) {
      usage("cannot read --config " + configFile + ": " + e.getMessage());
    }
    return properties;
  }

  private CommandLine.ParameterException usage(String message) {
    throw new CommandLine.ParameterException(spec.commandLine(), message);
  }
}
