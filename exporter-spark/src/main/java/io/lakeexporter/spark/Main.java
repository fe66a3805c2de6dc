package io.lakeexporter.spark;

import io.lakeexporter.ExportException;
import io.lakeexporter.ExportResult;
import java.io.PrintStream;
import org.apache.spark.sql.SparkSession;

/**
 * {@code spark-submit ... --class io.lakeexporter.spark.Main <jar> <repo> <rootLocation>
 * (--branch=B | --commit_id=C) [--prev_commit_id=P] [--concurrency=N]}. lakeFS settings come from
 * {@code spark.hadoop.lakefs.api.*} (then the LAKECTL_* variables and ~/.lakectl.yaml); storage
 * settings from the Hadoop configuration ({@code spark.hadoop.fs.s3a.*} and the modules' own keys).
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
      int concurrency) {}

  /** Objects each task copies at once unless --concurrency says otherwise. */
  static final int DEFAULT_CONCURRENCY = 16;

  public static void main(String[] args) {
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
      SparkExporter exporter =
          SparkExporter.builder()
              .spark(spark)
              .fromHadoopConfiguration()
              .repository(parsed.repository())
              .destination(parsed.root())
              .concurrency(parsed.concurrency())
              .build();
      ExportResult result =
          parsed.commitId() != null
              ? exporter.exportAllFromCommit(parsed.commitId())
              : parsed.previousCommitId() != null
                  ? exporter.exportFrom(parsed.branch(), parsed.previousCommitId())
                  : exporter.exportAllFromBranch(parsed.branch());
      System.out.println(
          result.status()
              + ": "
              + result.copied()
              + " copied, "
              + result.deleted()
              + " deleted, "
              + result.failed()
              + " failed; status file "
              + result.statusFile());
      code = result.succeeded() ? 0 : 1;
    } catch (ExportException e) {
      System.err.println("export failed: " + e.getMessage());
      code = 1;
    } finally {
      spark.stop();
    }
    System.exit(code);
  }

  /**
   * The seed's rules: a repository, a root, exactly one of --branch and --commit_id, and
   * --prev_commit_id only with --branch.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  static Arguments parse(String[] args) {
    String branch = null;
    String commit = null;
    String previous = null;
    int concurrency = DEFAULT_CONCURRENCY;
    var positional = new java.util.ArrayList<String>();
    for (String arg : args) {
      if (arg.startsWith("--branch=")) {
        branch = value(arg);
      } else if (arg.startsWith("--commit_id=")) {
        commit = value(arg);
      } else if (arg.startsWith("--prev_commit_id=")) {
        previous = value(arg);
      } else if (arg.startsWith("--concurrency=")) {
        concurrency = positiveInt(arg);
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
    return new Arguments(
        positional.get(0), positional.get(1), branch, commit, previous, concurrency);
  }

  private static int positiveInt(String arg) {
    String v = value(arg);
    try {
      int n = Integer.parseInt(v);
      if (n >= 1 && n <= 1024) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        arg.substring(0, arg.indexOf('=')) + " must be 1..1024, not '" + v + "'");
  }

  private static String value(String arg) {
    String v = arg.substring(arg.indexOf('=') + 1);
    if (v.isBlank()) {
      throw new IllegalArgumentException(arg.substring(0, arg.indexOf('=')) + " needs a value");
    }
    return v;
  }

  private static void usage(PrintStream out, String problem) {
    out.println("error: " + problem);
    out.println(
        "usage: spark-submit --class io.lakeexporter.spark.Main <jar> <repo> <rootLocation>"
            + " (--branch=B | --commit_id=C) [--prev_commit_id=P] [--concurrency=N]");
  }
}
