package io.lakeexporter.bench;

import io.lakeexporter.ExportResult;
import io.lakeexporter.Exporter;
import io.lakeexporter.source.LakeFsClient;
import io.lakeexporter.source.LakeFsConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.util.Locale;

/**
 * The planning path on its own, in a JVM of its own (run it with a small {@code -Xmx}): lists a
 * commit through the lakeFS API and plans every object into its round, as a dry run does, a warm-up
 * pass and then {@code iterations} timed ones. Prints one {@code RESULT} line per timed pass with
 * the entries per second and the peak heap the pass used.
 *
 * <p>{@code PlanningBenchmark <apiUrl> <accessKeyId> <repository> <commitId> <iterations>}; the
 * secret comes from LAKECTL_CREDENTIALS_SECRET_ACCESS_KEY.
 */
public final class PlanningBenchmark {

  private PlanningBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      System.err.println(
          "usage: PlanningBenchmark <apiUrl> <accessKeyId> <repository> <commitId> <iterations>");
      System.exit(2);
    }
    LakeFsConfig config =
        LakeFsConfig.builder()
            .apiUrl(args[0])
            .accessKeyId(args[1])
            .secretAccessKey(System.getenv(LakeFsConfig.ENV_SECRET_KEY))
            .build();
    String repository = args[2];
    String commit = args[3];
    int iterations = Integer.parseInt(args[4]);
    var destination = Files.createTempDirectory("planning-");
    try (Exporter exporter =
        Exporter.builder()
            .lakeFs(LakeFsClient.create(config))
            .repository(repository)
            .destination(destination.toUri().toString())
            .dryRun(true)
            .build()) {
      for (int i = 0; i <= iterations; i++) {
        System.gc();
        resetPeaks();
        long start = System.nanoTime();
        ExportResult result = exporter.exportAllFromCommit(commit);
        double seconds = (System.nanoTime() - start) / 1e9;
        long entries = result.planTotals().orElseThrow().copies();
        if (result.status() != ExportResult.Status.PLANNED) {
          throw new IllegalStateException("dry run ended " + result.status());
        }
        String line =
            String.format(
                Locale.ROOT,
                "entries=%d seconds=%.3f entriesPerSecond=%.0f peakHeapMiB=%.1f maxHeapMiB=%d",
                entries,
                seconds,
                entries / seconds,
                peakHeapBytes() / 1048576.0,
                Runtime.getRuntime().maxMemory() >> 20);
        System.out.println((i == 0 ? "WARMUP " : "RESULT ") + line);
      }
    } finally {
      Files.deleteIfExists(destination);
    }
  }

  private static void resetPeaks() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  /** The sum of the heap pools' peaks: an upper bound of the heap in use at any one time. */
  private static long peakHeapBytes() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }
}
