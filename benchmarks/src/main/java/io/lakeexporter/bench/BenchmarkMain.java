package io.lakeexporter.bench;

import io.lakeexporter.ExportResult;
import io.lakeexporter.Exporter;
import io.lakeexporter.report.StatusFile;
import io.lakeexporter.source.LakeFsClient;
import io.lakeexporter.source.LakeFsConfig;
import io.lakeexporter.testing.TestTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The benchmark: writes the datasets, runs every tool on every scenario it can do (rotating the
 * order each repetition), checks what each left at the destination, runs the planning benchmark and
 * writes the report. Exits 1 when any run failed or left the wrong objects.
 *
 * <p>{@code BenchmarkMain [--profile full|smoke] [--runs N] [--warmups N] [--out DIR] [--work DIR]
 * [--only TEXT] [--tool TEXT] [--s3-store filesystem|memory] [--no-planning] [--check-options]}; a
 * selection that matches no scenario or tool, or a malformed option, exits 2 with a message.
 */
public final class BenchmarkMain {

  private final Context context;
  private boolean scenarioFailed;
  private final List<Tool> tools;
  private final Path logs;
  private final List<RunRecord> records = new ArrayList<>();
  private int containers;
  private int fills;

  private BenchmarkMain(Context context, List<Tool> tools) throws IOException {
    this.context = context;
    this.tools = tools;
    this.logs = Files.createDirectories(context.workspace().dir.resolve("logs"));
  }

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      // A wrong option is the user's to fix: a message, not a stack trace.
      System.err.println("BenchmarkMain: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (!options.checkOnly()) {
      runCommandLine(options);
    }
  }

  /** The command line, parsed and checked before anything starts. */
  record Options(
      Profile profile,
      Path out,
      Path work,
      Selection selection,
      Workspace.S3Store s3Store,
      boolean planning,
      boolean checkOnly) {

    static Options parse(String[] args) {
      Profile profile = Profile.full();
      Integer runs = null;
      Integer warmups = null;
      Path root = TestTools.projectRoot();
      Path out = root.resolve("benchmarks/results");
      Path work = null;
      String only = "";
      String toolFilter = "";
      boolean planning = true;
      boolean checkOnly = false;
      Workspace.S3Store s3Store = Workspace.S3Store.FILESYSTEM;
      for (int i = 0; i < args.length; i++) {
        String value = i + 1 < args.length ? args[i + 1] : null;
        switch (args[i]) {
          case "--profile" -> profile = Profile.named(require(args[i], value));
          case "--runs" -> runs = number(args[i], value);
          case "--warmups" -> warmups = number(args[i], value);
          case "--out" -> out = Path.of(require(args[i], value));
          case "--work" -> work = Path.of(require(args[i], value));
          case "--only" -> only = require(args[i], value);
          case "--tool" -> toolFilter = require(args[i], value);
          case "--s3-store" -> s3Store = Workspace.S3Store.named(require(args[i], value));
          case "--no-planning" -> {
            planning = false;
            continue;
          }
          // run.sh checks the options with the classes of an earlier build before building.
          case "--check-options" -> {
            checkOnly = true;
            continue;
          }
          default ->
              throw new IllegalArgumentException(
                  "unknown argument '"
                      + args[i]
                      + "'; use --profile full|smoke, --runs N, --warmups N, --out DIR, --work DIR,"
                      + " --only TEXT, --tool TEXT, --s3-store filesystem|memory, --no-planning");
        }
        i++;
      }
      if (runs != null) {
        profile = profile.withRuns(runs);
      }
      if (warmups != null) {
        profile = profile.withWarmups(warmups);
      }
      var selection = new Selection(only, toolFilter);
      selection.validate();
      return new Options(profile, out, work, selection, s3Store, planning, checkOnly);
    }
  }

  private static void runCommandLine(Options options) throws Exception {
    Profile profile = options.profile();
    Path root = TestTools.projectRoot();
    Path out = options.out();
    Path work = options.work();
    boolean temporary = work == null;
    if (temporary) {
      work = Files.createTempDirectory("lakefs-export-bench-");
    }
    boolean ok;
    try {
      ok =
          run(
              root,
              System.getProperty("java.class.path"),
              profile,
              out,
              work,
              options.selection(),
              options.s3Store(),
              options.planning());
      // Gigabytes of datasets, often in /dev/shm: a workspace of our own does not outlive a
      // good run. After a bad one it stays, for the tools' logs in it.
      if (temporary && ok) {
        TestTools.deleteTree(work);
      } else if (temporary) {
        System.err.println("[bench] workspace kept for its logs: " + work);
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("[bench] workspace kept for its logs: " + work);
      throw e;
    }
    System.exit(ok ? 0 : 1);
  }

  /** A scenario before its dataset exists. */
  private record Planned(String kind, Side from, Side to) {
    String id() {
      return kind + " " + from.label + " -> " + to.label;
    }

    boolean usesAzure() {
      return from == Side.AZURE || to == Side.AZURE;
    }
  }

  /** Every scenario, in the order they run. */
  private static final List<Planned> PLAN =
      List.of(
          new Planned("small", Side.LOCAL, Side.LOCAL),
          new Planned("small", Side.S3, Side.S3),
          new Planned("small", Side.S3, Side.LOCAL),
          new Planned("small", Side.LOCAL, Side.AZURE),
          new Planned("large", Side.LOCAL, Side.LOCAL),
          new Planned("large", Side.S3, Side.S3),
          new Planned("large", Side.S3, Side.LOCAL),
          new Planned("large", Side.LOCAL, Side.AZURE),
          new Planned("diff", Side.LOCAL, Side.LOCAL),
          new Planned("diff", Side.S3, Side.S3),
          new Planned(Dataset.AGAIN, Side.LOCAL, Side.LOCAL),
          new Planned(Dataset.AGAIN, Side.S3, Side.S3));

  /** Every tool, as the report names them. */
  static final List<String> TOOL_NAMES =
      List.of(
          ExporterCliTool.NAME,
          ExporterSparkTool.NAME,
          RcloneTool.NAME,
          AwsCliTool.NAME,
          CopyTool.NAME,
          RangedDownload.AsTool.NAME);

  /** Which scenarios and tools to run: those whose names contain these texts. */
  record Selection(String scenario, String tool) {

    static final Selection ALL = new Selection("", "");

    /**
     * Fails, naming what there is, when one of the comma-separated texts matches no scenario or no
     * tool: a misspelt selection would otherwise run nothing and write an empty report.
     */
    void validate() {
      List<String> scenarios = PLAN.stream().map(Planned::id).toList();
      requireMatches("--only", scenario, scenarios, "scenarios");
      requireMatches("--tool", tool, TOOL_NAMES, "tools");
    }

    private static void requireMatches(
        String option, String texts, List<String> names, String what) {
      for (String text : texts.split(",")) {
        if (!text.isEmpty() && names.stream().noneMatch(n -> n.contains(text))) {
          throw new IllegalArgumentException(
              option
                  + " '"
                  + text
                  + "' matches none of the "
                  + what
                  + ": "
                  + String.join(", ", names));
        }
      }
    }

    /** Whether the scenario is one of the comma-separated texts' (all when there is none). */
    boolean wants(String scenarioId) {
      return anyIn(scenario, scenarioId);
    }

    /** Whether the tool is one of the comma-separated texts' (all when there is none). */
    boolean wantsTool(String toolName) {
      return anyIn(tool, toolName);
    }

    private static boolean anyIn(String texts, String name) {
      return Arrays.stream(texts.split(",")).anyMatch(name::contains);
    }
  }

  private static String require(String option, String value) {
    if (value == null) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return value;
  }

  static int number(String option, String value) {
    try {
      return Integer.parseInt(require(option, value));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs a whole number, not '" + value + "'");
    }
  }

  /** Runs the benchmark; true when every run succeeded and left the right objects. */
  static boolean run(
      Path root,
      String harnessClasspath,
      Profile profile,
      Path out,
      Path work,
      Selection selection,
      Workspace.S3Store s3Store,
      boolean withPlanning)
      throws Exception {
    selection.validate();
    Path rclone = PeerInstall.rclone();
    Path aws = PeerInstall.aws();
    var environment = new LinkedHashMap<String, String>();
    environment.put("date", LocalDate.now().toString());
    environment.put(
        "machine",
        Runtime.getRuntime().availableProcessors()
            + " cores, "
            + System.getProperty("os.name")
            + " "
            + System.getProperty("os.arch"));
    environment.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
    environment.put("rclone", PeerInstall.version(rclone, "version"));
    environment.put("aws", PeerInstall.version(aws, "--version"));
    boolean withAzure = PLAN.stream().anyMatch(p -> p.usesAzure() && selection.wants(p.id()));
    environment.put(
        "method",
        "every tool moves "
            + profile.concurrency()
            + " objects (or parts) at once; median of "
            + profile.runs()
            + " run(s) after "
            + profile.warmups()
            + " unrecorded warm-up run(s) of every tool"
            + (profile.warmups() == 0
                ? " (but one of the exporter's CLI, which records its class archive)"
                : "")
            + ","
            + " the order of the tools rotated every run; wall time from process start to"
            + " exit (JVM start included); CPU of the tool's whole process tree, peak RSS of its"
            + " largest process; each destination"
            + " checked afterwards (every key and size, the bytes of a sample read back, no"
            + " temporaries left; after a re-run, also that no object was written again);"
            + " S3Proxy ("
            + (s3Store == Workspace.S3Store.MEMORY ? "in memory" : "filesystem")
            + ")"
            + (withAzure ? ", Azurite (in memory, a new one for each run)" : "")
            + " and the lakeFS emulator on the same machine");
    try (Workspace ws = Workspace.start(work, s3Store, withAzure)) {
      var context = new Context(root, harnessClasspath, ws, profile);
      var tools =
          List.<Tool>of(
                  new ExporterCliTool(context),
                  new ExporterSparkTool(context),
                  new RcloneTool(context, rclone),
                  new AwsCliTool(context, aws),
                  new CopyTool(context),
                  new RangedDownload.AsTool(context))
              .stream()
              .filter(t -> selection.wantsTool(t.name()))
              .toList();
      var bench = new BenchmarkMain(context, tools);
      var writer = new DatasetWriter(ws, profile);
      log("workspace " + work);
      var datasets = new LinkedHashMap<String, Dataset>();
      for (var planned : PLAN) {
        String kind = planned.kind();
        Side from = planned.from();
        String id = planned.id();
        if (!selection.wants(id)) {
          continue;
        }
        boolean rerun = kind.equals(Dataset.AGAIN);
        if (rerun && !ws.keepsFilesFor(planned.to())) {
          log(
              id
                  + ": skipped: whether a run wrote to the destination is read from the files"
                  + " behind its objects, and S3Proxy in memory has none");
          continue;
        }
        // A re-run exports the small dataset's commit again: the same data, not a second copy.
        String written = rerun ? "small" : kind;
        Dataset data = datasets.get(written + from);
        if (data == null) {
          log("writing the " + written + " dataset to " + from.label);
          data =
              switch (written) {
                case "small" -> writer.small(from);
                case "large" -> writer.large(from);
                default -> writer.diff(from);
              };
          datasets.put(written + from, data);
        }
        if (rerun) {
          data = data.again();
        }
        try {
          bench.run(new Scenario(data, from, planned.to()));
        } catch (IOException | RuntimeException e) {
          // A server that gives up (Azurite under 20,000 blobs has) costs this scenario's
          // remaining runs, not the others' or the report.
          log(id + ": stopped: " + e);
          bench.scenarioFailed = true;
        }
      }
      PlanningResult planning = withPlanning ? bench.planning(writer) : null;
      new Report(bench.records, planning, profile, environment).write(out);
      log("report written to " + out.resolve(profile.name() + "-results.md"));
      boolean planningOk = planning == null || planning.ok(profile.planningEntries());
      return planningOk && !bench.scenarioFailed && bench.records.stream().allMatch(RunRecord::ok);
    }
  }

  private void run(Scenario scenario) throws IOException {
    var able = tools.stream().filter(t -> t.supports(scenario)).toList();
    Dataset data = scenario.dataset();
    Place shared = data.isDiff() || data.isRerun() ? destination(scenario, "shared", 0) : null;
    if (shared != null) {
      context.workspace().prepare(shared);
    }
    if (data.isDiff()) {
      putBack(data, shared, false);
    }
    try {
      if (data.isRerun()) {
        fill(scenario, shared);
      }
      runTools(scenario, able, shared);
    } finally {
      // A re-run's destination stays through all its runs, and goes with the scenario.
      if (data.isRerun()) {
        context.workspace().clear(shared);
      }
    }
  }

  private void runTools(Scenario scenario, List<Tool> able, Place shared) throws IOException {
    Dataset data = scenario.dataset();
    // Runs up to 0 are the warm-ups: run and checked like the others, but not recorded. Without
    // warm-ups, run 0 is the CLI's alone: its launcher records the scenario's class archive on
    // its first export there, which the first timed run would otherwise pay for.
    boolean archiveRun = archiveRun(context.profile(), able);
    int firstRun = archiveRun ? 0 : 1 - context.profile().warmups();
    for (int run = firstRun; run <= context.profile().runs(); run++) {
      for (Tool tool : round(able, run, archiveRun && run == 0)) {
        if (scenario.to() == Side.AZURE) {
          long start = System.nanoTime();
          if (context.workspace().freshAzurite()) {
            log(
                String.format(
                    Locale.ROOT,
                    "Azurite restarted, idle after %.1f s",
                    (System.nanoTime() - start) / 1e9));
          }
        }
        Place destination = shared != null ? shared : destination(scenario, tool.name(), run);
        context.workspace().prepare(destination);
        Path log = logs.resolve(scenario.slug() + "-" + slug(tool.name()) + "-" + run + ".log");
        Tool.Invocation invocation = tool.invocation(scenario, destination);
        // The exporter's runs must leave their own status file; on a shared destination an
        // earlier run's file of the same name must have been written again.
        String statusFile =
            tool.name().startsWith("exporter") ? StatusFile.successName(data.commitId()) : null;
        Optional<String> statusBefore =
            statusFile != null && shared != null
                ? context.workspace().version(destination, statusFile)
                : Optional.empty();
        // A re-run finds a few objects out of date: a tool that does nothing must not pass.
        List<String> stale = data.isRerun() ? StaleObjects.keys(data.expected()) : List.of();
        for (String key : stale) {
          context
              .workspace()
              .write(destination, key, StaleObjects.staleBytes(data.expected().get(key)));
        }
        // Before the servers' CPU is read: the walk is the harness's, not the run's.
        DestinationSnapshot before =
            data.isRerun() ? context.workspace().snapshot(destination) : null;
        double serversBefore = ServerCpu.seconds();
        double emulatorBefore = ServerCpu.emulatorSeconds();
        double machineBefore = ServerCpu.machineBusySeconds();
        Measured measured = Measured.run(context.workspace().dir, invocation, log);
        double machineSeconds = ServerCpu.machineBusySeconds() - machineBefore;
        double serverSeconds = ServerCpu.seconds() - serversBefore;
        double emulatorSeconds = ServerCpu.emulatorSeconds() - emulatorBefore;
        double otherSeconds = Math.max(0, machineSeconds - measured.cpuSeconds() - serverSeconds);
        ContentCheck.Outcome checked;
        long checkStart = System.nanoTime();
        try {
          checked =
              ContentCheck.check(
                  context.workspace().destination(destination),
                  data.expected(),
                  data.isRerun() ? stale : data.changed(),
                  statusFile);
          if (statusBefore.isPresent()
              && statusBefore.equals(context.workspace().version(destination, statusFile))) {
            checked =
                new ContentCheck.Outcome(
                    checked.found(),
                    append(checked.problems(), statusFile + " not written by this run"));
          }
        } catch (IOException | RuntimeException e) {
          log("cannot check " + destination + " after " + tool.name() + ": " + e);
          checked = new ContentCheck.Outcome(new Workspace.Contents(-1, -1), List.of("unchecked"));
        }
        double checkSeconds = (System.nanoTime() - checkStart) / 1e9;
        DestinationSnapshot.Changes changes = null;
        if (before != null) {
          try {
            changes = context.workspace().snapshot(destination).since(before);
          } catch (IOException | RuntimeException e) {
            log("cannot look for rewrites at " + destination + " after " + tool.name() + ": " + e);
            changes = new DestinationSnapshot.Changes(-1, 0, 0, null, Set.of());
          }
          String rewrites = StaleObjects.problem(Set.copyOf(stale), changes);
          if (rewrites != null) {
            checked =
                new ContentCheck.Outcome(checked.found(), append(checked.problems(), rewrites));
          }
        }
        var record =
            new RunRecord(
                scenario,
                tool.name(),
                run,
                measured,
                data.isDiff()
                    ? context.profile().diffChanges()
                    : data.expected().contents().objects(),
                data.expected().contents(),
                checked.found(),
                serverSeconds,
                RunRecord.ownSeconds(Files.readString(log)),
                changes == null ? 0 : changes.total(),
                checked.problem(),
                otherSeconds);
        boolean warmup = run < 1;
        if (!warmup) {
          records.add(record);
        } else if (!record.ok()) {
          scenarioFailed = true;
        }
        log(
            String.format(
                Locale.ROOT,
                "%s | %s | %s: %.2f s, %.0f objects/s, %.1f MiB/s, %.0f MiB RSS, CPU %.1f s"
                    + " (servers %.1f s, of which lakeFS emulator %.1f s; other processes %.1f s;"
                    + " checked in %.1f s)%s",
                scenario.id(),
                tool.name(),
                !warmup ? "run " + run : archiveRun ? "class archive, untimed" : "warm-up",
                measured.wallSeconds(),
                record.objectsPerSecond(),
                record.mibPerSecond(),
                measured.maxRssKib() / 1024.0,
                measured.cpuSeconds(),
                serverSeconds,
                emulatorSeconds,
                otherSeconds,
                checkSeconds,
                record.ok() ? "" : failure(record, log)));
        if (data.isDiff()) {
          // Back to the first commit for the next tool: the exporter's own diff, in reverse.
          putBack(data, shared, true);
        } else if (data.isRerun()) {
          if (!record.ok()) {
            // The next tool must find a complete export too, not what this one left.
            context.workspace().clear(shared);
            context.workspace().prepare(shared);
            fill(scenario, shared);
          }
        } else {
          context.workspace().clear(destination);
        }
      }
    }
  }

  /** Whether the CLI runs once alone before the timed runs: when no warm-up records its archive. */
  static boolean archiveRun(Profile profile, List<Tool> able) {
    return profile.warmups() == 0
        && able.stream().anyMatch(t -> t.name().equals(ExporterCliTool.NAME));
  }

  /**
   * The tools of round {@code run}, the order rotated every round; in the round that records the
   * CLI's class archive ({@code archiveOnly}), the CLI alone.
   */
  static List<Tool> round(List<Tool> able, int run, boolean archiveOnly) {
    var round = new ArrayList<Tool>();
    for (int i = 0; i < able.size(); i++) {
      Tool tool = able.get(Math.floorMod(i + run - 1, able.size()));
      if (!archiveOnly || tool.name().equals(ExporterCliTool.NAME)) {
        round.add(tool);
      }
    }
    return round;
  }

  private static String failure(RunRecord record, Path log) {
    return " FAILED (exit "
        + record.measured().exitCode()
        + ", found "
        + record.found()
        + ", expected "
        + record.expected()
        + (record.problem() == null ? "" : "; " + record.problem())
        + "; see "
        + log
        + ")";
  }

  /**
   * Makes {@code place} hold {@code scenario}'s commit as a full export by the exporter's CLI
   * leaves it, untimed: the destination a re-run finds complete.
   */
  private void fill(Scenario scenario, Place place) throws IOException {
    Path log = logs.resolve(scenario.slug() + "-fill-" + ++fills + ".log");
    Measured measured =
        Measured.run(
            context.workspace().dir, new ExporterCliTool(context).fill(scenario, place), log);
    Dataset data = scenario.dataset();
    var checked =
        ContentCheck.check(
            context.workspace().destination(place),
            data.expected(),
            List.of(),
            StatusFile.successName(data.commitId()));
    if (measured.exitCode() != 0 || !checked.ok()) {
      throw new IOException(
          "could not fill "
              + place
              + ": exit "
              + measured.exitCode()
              + ", found "
              + checked.found()
              + ", "
              + checked.problem()
              + "; see "
              + log);
    }
    log(
        String.format(
            Locale.ROOT,
            "%s: destination filled by a full export, untimed (%d objects in %.2f s)",
            scenario.id(),
            checked.found().objects(),
            measured.wallSeconds()));
  }

  private PlanningResult planning(DatasetWriter writer) throws IOException {
    Workspace ws = context.workspace();
    int entries = context.profile().planningEntries();
    log("committing " + entries + " linked objects for the planning benchmark");
    String commit = writer.planningCommit("planning", entries);
    Path log = logs.resolve("planning.log");
    var invocation =
        new Tool.Invocation(
            List.of(
                Context.java(),
                "-Xmx256m",
                "-cp",
                context.harnessClasspath(),
                PlanningBenchmark.class.getName(),
                ws.emulator.apiUrl(),
                ws.emulator.accessKeyId(),
                "planning",
                commit,
                String.valueOf(context.profile().runs())),
            Map.of(LakeFsConfig.ENV_SECRET_KEY, ws.emulator.secretAccessKey()));
    Measured measured = Measured.run(ws.dir, invocation, log);
    PlanningResult result = PlanningResult.parse(Files.readString(log), measured);
    log(
        String.format(
            Locale.ROOT,
            "planning %d objects: %.0f entries/s, peak heap %.1f MiB of %d MiB, exit %d",
            result.entries(),
            result.medianEntriesPerSecond(),
            result.peakHeapMib(),
            result.maxHeapMib(),
            measured.exitCode()));
    return result;
  }

  private Place destination(Scenario scenario, String tool, int run) {
    String name = scenario.slug() + "/" + slug(tool) + "-" + run;
    return switch (scenario.to()) {
      case LOCAL -> new Place(Side.LOCAL, "dst/" + name);
      case S3 -> new Place(Side.S3, Workspace.DESTINATION_BUCKET + "/" + name);
      // A container per run: dropping a container is how Azurite forgets a run quickly.
      case AZURE -> new Place(Side.AZURE, "run-" + ++containers + "/" + name);
    };
  }

  private Exporter exporter(String repository, Place destination) {
    Workspace ws = context.workspace();
    return Exporter.builder()
        .lakeFs(
            LakeFsClient.create(
                LakeFsConfig.builder()
                    .apiUrl(ws.emulator.apiUrl())
                    .accessKeyId(ws.emulator.accessKeyId())
                    .secretAccessKey(ws.emulator.secretAccessKey())
                    .build()))
        .repository(repository)
        .destination(ws.location(destination))
        .storage(ws.storage)
        .concurrency(context.profile().concurrency())
        // The way back runs after every tool, and only the exporter writes status files: the
        // destination holds the diff's second commit whatever they say, as its check has found.
        .checkPreviousExport(false)
        .build();
  }

  /**
   * Makes {@code place} hold the diff's first commit: a full export of it, or ({@code reverse}) the
   * exporter's diff from the second commit back to the base branch.
   */
  private void putBack(Dataset data, Place place, boolean reverse) throws IOException {
    try (Exporter exporter = exporter(data.repository(), place)) {
      ExportResult result =
          reverse
              ? exporter.exportFrom(data.baseBranch(), data.commitId())
              : exporter.exportAllFromCommit(data.previousCommitId());
      check(result, place, data.base());
    }
  }

  private void check(ExportResult result, Place place, Manifest expected) throws IOException {
    var checked =
        ContentCheck.check(context.workspace().destination(place), expected, List.of(), null);
    if (!result.succeeded() || !checked.ok()) {
      throw new IOException(
          "could not set up "
              + place
              + ": export "
              + result.status()
              + ", found "
              + checked.found()
              + ", "
              + checked.problem());
    }
  }

  private static List<String> append(List<String> list, String element) {
    var longer = new ArrayList<>(list);
    longer.add(element);
    return longer;
  }

  static String slug(String name) {
    return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
  }

  private static void log(String line) {
    System.out.println("[bench] " + line);
    System.out.flush();
  }
}
