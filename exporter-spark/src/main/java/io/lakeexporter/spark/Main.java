package io.lakeexporter.spark;

import io.lakeexporter.ExportException;
import io.lakeexporter.ExportResult;
import io.lakeexporter.InvalidExportException;
import io.lakeexporter.OptionChecks;
import io.lakeexporter.PreviousExportMissingException;
import io.lakeexporter.copy.CopySettings;
import io.lakeexporter.copy.CopyStrategy;
import io.lakeexporter.exec.SourceMode;
import io.lakeexporter.filter.GlobRoundFilter;
import io.lakeexporter.filter.KeyFilter;
import io.lakeexporter.filter.SparkFilter;
import io.lakeexporter.report.Printable;
import io.lakeexporter.report.RoundSummary;
import io.lakeexporter.storage.StorageSettings;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * {@code spark-submit ... --class io.lakeexporter.spark.Main <jar> <repo> <rootLocation>
 * (--branch=B | --commit_id=C) [--prev_commit_id=P] [options]}, the options named and checked as
 * the standalone command line's: {@code --concurrency}, {@code --rounds}, {@code --part-size},
 * {@code --multipart-threshold}, {@code --dry-run}, {@code --skip-identical}, {@code
 * --no-previous-export-check}, {@code --source-mode} (not presigned), and {@code --partitions} of
 * its own. lakeFS settings come from {@code spark.hadoop.lakefs.api.*} (then the LAKECTL_*
 * variables and ~/.lakectl.yaml); storage settings from the Hadoop configuration ({@code
 * spark.hadoop.fs.s3a.*} and the modules' own keys). Exit codes as the command line's: 0 exported
 * (or planned), 1 the export failed, 2 bad usage or configuration.
 */
public final class Main {

  private Main() {}

  /** The parsed command line. */
  record Arguments(
      String repository,
      String root,
      String branch,
      String commitId,
      String previousCommitId,
      int concurrency,
      KeyFilter keyFilter,
      long partSize,
      long multipartThreshold,
      boolean dryRun,
      int partitions,
      SourceMode sourceMode,
      boolean skipIdentical,
      boolean checkPreviousExport) {}

  /** Objects each task copies at once unless --concurrency says otherwise. */
  static final int DEFAULT_CONCURRENCY = 16;

  public static void main(String[] args) {
    if (asksForHelp(args)) {
      System.out.println(USAGE);
      System.out.println(
          "The options are the command line's, with the same defaults and checks (README: On"
              + " Spark); storage and lakeFS settings come from the Hadoop configuration.");
      System.exit(0);
      return;
    }
    Arguments parsed;
    try {
      parsed = parse(args);
    } catch (IllegalArgumentException e) {
      usage(System.err, e.getMessage());
      System.exit(2);
      return;
    }
    SparkSession spark =
        SparkSession.builder().appName("lakeFS export of " + parsed.repository()).getOrCreate();
    int code;
    try {
      code = run(parsed, spark, System.out, System.err);
    } finally {
      spark.stop();
    }
    System.exit(code);
  }

  /**
   * Runs the export the arguments ask for in a session whose Hadoop configuration holds the lakeFS
   * and storage settings.
   *
   * @return the exit code
   */
  static int run(Arguments parsed, SparkSession spark, PrintStream out, PrintStream err) {
    try {
      SparkExporter exporter =
          SparkExporter.builder()
              .spark(spark)
              .fromHadoopConfiguration()
              .repository(parsed.repository())
              .destination(parsed.root())
              .concurrency(parsed.concurrency())
              .keyFilter(parsed.keyFilter())
              .partSize(parsed.partSize())
              .multipartThreshold(parsed.multipartThreshold())
              .dryRun(parsed.dryRun())
              .partitions(parsed.partitions())
              .sourceMode(parsed.sourceMode())
              .skipIdentical(parsed.skipIdentical())
              .checkPreviousExport(parsed.checkPreviousExport())
              .build();
      ExportResult result =
          parsed.commitId() != null
              ? exporter.exportAllFromCommit(parsed.commitId())
              : parsed.previousCommitId() != null
                  ? exporter.exportFrom(parsed.branch(), parsed.previousCommitId())
                  : exporter.exportAllFromBranch(parsed.branch());
      print(out, result, parsed.skipIdentical());
      return result.failedOrWouldFail() ? 1 : 0;
    } catch (PreviousExportMissingException e) {
      err.println("error: " + e.getMessage() + " (or --no-previous-export-check to diff anyway)");
      return 2;
    } catch (InvalidExportException e) {
      err.println("error: " + e.getMessage());
      return 2;
    } catch (ExportException e) {
      err.println("export failed: " + e.getMessage());
      return 1;
    }
  }

  /**
   * How the export ended, or what a dry run would do, round by round ({@code lookedUp}: with the
   * copies there already, when it skipped identical objects).
   */
  static void print(PrintStream out, ExportResult result, boolean lookedUp) {
    if (result.status() == ExportResult.Status.PLANNED) {
      out.println("dry run of commit " + result.commitId() + " -> " + result.destination());
      for (RoundSummary s : result.rounds()) {
        out.println("  " + s.plannedLine(Printable.bytes(s.bytes()), lookedUp));
      }
      result.failureLines(FAILURES_SHOWN, "would fail: ").forEach(l -> out.println("  " + l));
      if (!result.error().isEmpty()) {
        out.println("  " + Printable.line(result.error()));
      }
      out.println("nothing was written");
      return;
    }
    long alreadyThere = result.copiedBy(CopyStrategy.ALREADY_THERE);
    out.println(
        result.status()
            + ": "
            + result.copied()
            + " copied"
            + (alreadyThere == 0 ? "" : " (" + alreadyThere + " of them there already)")
            + ", "
            + result.deleted()
            + " deleted, "
            + result.failed()
            + " failed; status file "
            + result.statusFile());
    // Why it failed, as the standalone command line says it: the status file has the rest.
    if (!result.error().isEmpty()) {
      out.println("  error: " + Printable.line(result.error()));
    }
    result.failureLines(FAILURES_SHOWN, "failed ").forEach(l -> out.println("  " + l));
  }

  /** Failed operations printed after the summary; the status file lists them all. */
  private static final int FAILURES_SHOWN = 5;

  private static final Set<String> VALUED_OPTIONS =
      Set.of(
          "--branch",
          "--commit_id",
          "--prev_commit_id",
          "--concurrency",
          "--rounds",
          "--part-size",
          "--multipart-threshold",
          "--partitions",
          "--source-mode");

  /**
   * The seed's rules: a repository, a root, exactly one of --branch and --commit_id, and
   * --prev_commit_id only with --branch; every option's value in its range.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  static Arguments parse(String[] args) {
    String branch = null;
    String commit = null;
    String previous = null;
    int concurrency = DEFAULT_CONCURRENCY;
    KeyFilter keyFilter = new SparkFilter();
    long partSize = CopySettings.DEFAULT_PART_SIZE;
    long multipartThreshold = CopySettings.DEFAULT_MULTIPART_THRESHOLD;
    boolean dryRun = false;
    int partitions = 0;
    SourceMode sourceMode = SourceMode.AUTO;
    boolean skipIdentical = false;
    boolean checkPreviousExport = true;
    var positional = new ArrayList<String>();
    for (String arg : joined(args)) {
      if (arg.startsWith("--branch=")) {
        branch = value(arg);
      } else if (arg.startsWith("--commit_id=")) {
        commit = value(arg);
      } else if (arg.startsWith("--prev_commit_id=")) {
        previous = value(arg);
      } else if (arg.startsWith("--concurrency=")) {
        concurrency = positiveInt(arg, OptionChecks.MAX_CONCURRENCY);
      } else if (arg.startsWith("--rounds=")) {
        keyFilter = rounds(arg);
      } else if (arg.startsWith("--part-size=")) {
        partSize = size(arg);
      } else if (arg.startsWith("--multipart-threshold=")) {
        multipartThreshold = size(arg);
      } else if (arg.startsWith("--partitions=")) {
        partitions = positiveInt(arg, 1_000_000);
      } else if (arg.startsWith("--source-mode=")) {
        sourceMode = sourceMode(arg);
      } else if (arg.equals("--dry-run")) {
        dryRun = true;
      } else if (arg.equals("--skip-identical")) {
        skipIdentical = true;
      } else if (arg.equals("--no-previous-export-check")) {
        checkPreviousExport = false;
      } else if (arg.startsWith("--")) {
        throw new IllegalArgumentException("unknown option " + arg);
      } else {
        positional.add(arg);
      }
    }
    if (positional.size() != 2) {
      throw new IllegalArgumentException(
          "expected <repo> <rootLocation>, got " + positional.size() + " positional arguments");
    }
    if (branch != null && commit != null) {
      throw new IllegalArgumentException("--branch and --commit_id exclude each other");
    }
    if (branch == null && commit == null) {
      throw new IllegalArgumentException("give --branch=B or --commit_id=C");
    }
    if (previous != null && branch == null) {
      throw new IllegalArgumentException("--prev_commit_id needs --branch");
    }
    if (previous == null && !checkPreviousExport) {
      throw new IllegalArgumentException("--no-previous-export-check needs --prev_commit_id");
    }
    return new Arguments(
        positional.get(0),
        positional.get(1),
        branch,
        commit,
        previous,
        concurrency,
        keyFilter,
        partSize,
        multipartThreshold,
        dryRun,
        partitions,
        sourceMode,
        skipIdentical,
        checkPreviousExport);
  }

  /**
   * {@code args} with each option that takes a value written as {@code --name=value}: the command
   * line takes {@code --branch main} as well, so a line moved between the two must mean the same.
   */
  private static List<String> joined(String[] args) {
    var joined = new ArrayList<String>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!VALUED_OPTIONS.contains(arg)) {
        joined.add(arg);
      } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        joined.add(arg + "=" + args[++i]);
      } else {
        throw new IllegalArgumentException(arg + " needs a value");
      }
    }
    return joined;
  }

  /**
   * auto, direct or lakefs: presigned URLs could expire between a split's listing and its copies.
   */
  private static SourceMode sourceMode(String arg) {
    String v = value(arg);
    return switch (v) {
      case "auto" -> SourceMode.AUTO;
      case "direct" -> SourceMode.DIRECT;
      case "lakefs" -> SourceMode.LAKEFS;
      case "presigned" ->
          throw new IllegalArgumentException(
              "--source-mode=presigned is not offered on Spark: URLs presigned as a split is listed"
                  + " could expire before its copies run; --source-mode=lakefs also reads without"
                  + " storage credentials");
      default ->
          throw new IllegalArgumentException(
              "--source-mode must be auto, direct or lakefs, not '" + v + "'");
    };
  }

  private static int positiveInt(String arg, int max) {
    String v = value(arg);
    try {
      int n = Integer.parseInt(v);
      if (n >= 1 && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name(arg) + " must be 1.." + max + ", not '" + v + "'");
  }

  private static long size(String arg) {
    String v = value(arg);
    try {
      long n = StorageSettings.parseBytes(name(arg), v);
      if (n >= 1) {
        return n;
      }
    } catch (IllegalArgumentException | ArithmeticException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        name(arg) + " must be a size such as 8MiB or 1G, not '" + v + "'");
  }

  private static KeyFilter rounds(String arg) {
    String v = arg.substring(arg.indexOf('=') + 1);
    try {
      return GlobRoundFilter.parseStrict(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid --rounds '" + v + "': " + e.getMessage(), e);
    }
  }

  private static String name(String arg) {
    return arg.substring(0, arg.indexOf('='));
  }

  private static String value(String arg) {
    String v = arg.substring(arg.indexOf('=') + 1);
    if (v.isBlank()) {
      throw new IllegalArgumentException(name(arg) + " needs a value");
    }
    return v;
  }

  private static final String USAGE =
      "usage: spark-submit --class io.lakeexporter.spark.Main <jar> <repo> <rootLocation>"
          + " (--branch=B | --commit_id=C) [--prev_commit_id=P] [--concurrency=N]"
          + " [--rounds=SPEC] [--part-size=SIZE] [--multipart-threshold=SIZE] [--partitions=N]"
          + " [--source-mode=auto|direct|lakefs]"
          + " [--dry-run] [--skip-identical] [--no-previous-export-check]";

  /** {@code --help} or {@code -h} anywhere: the usage, not an export, as the command line does. */
  static boolean asksForHelp(String[] args) {
    return List.of(args).contains("--help") || List.of(args).contains("-h");
  }

  private static void usage(PrintStream out, String problem) {
    out.println("error: " + problem);
    out.println(USAGE);
  }
}
