package io.lakeexporter.bench;

/**
 * How big a benchmark run is: the datasets, the size of the planning commit, how often each run is
 * repeated and the concurrency every tool gets.
 *
 * @param smallObjects objects of the many-small-objects dataset
 * @param smallMinBytes smallest of them
 * @param smallMaxBytes largest of them
 * @param largeObjects objects of the large-objects dataset
 * @param largeBytes size of each
 * @param diffObjects objects in the commit the diff dataset starts from
 * @param diffChanges objects changed between its two commits (modified, added and removed)
 * @param planningEntries objects of the commit the planning benchmark lists
 * @param warmups runs of every tool before the recorded ones, not recorded: they warm the servers
 *     (S3Proxy's and Azurite's first thousands of requests cost them several times the later ones)
 *     and the page cache, for every tool alike
 * @param runs repetitions of every run; the report gives the median
 * @param concurrency objects (or parts) every tool moves at once
 */
record Profile(
    String name,
    int smallObjects,
    int smallMinBytes,
    int smallMaxBytes,
    int largeObjects,
    long largeBytes,
    int diffObjects,
    int diffChanges,
    int planningEntries,
    int warmups,
    int runs,
    int concurrency) {

  /** The datasets the report is about. */
  static Profile full() {
    return new Profile(
        "full", 20_000, 4 << 10, 64 << 10, 8, 256L << 20, 20_000, 200, 1_000_000, 1, 3, 16);
  }

  /** Tiny datasets through every code path: what CI runs so that the harness cannot rot. */
  static Profile smoke() {
    return new Profile("smoke", 120, 4 << 10, 64 << 10, 2, 40L << 20, 150, 20, 20_000, 0, 1, 8);
  }

  static Profile named(String name) {
    return switch (name) {
      case "full" -> full();
      case "smoke" -> smoke();
      default ->
          throw new IllegalArgumentException("unknown profile '" + name + "': use full or smoke");
    };
  }

  Profile withRuns(int runs) {
    if (runs < 1) {
      throw new IllegalArgumentException("runs must be at least 1, not " + runs);
    }
    return with(warmups, runs);
  }

  Profile withWarmups(int warmups) {
    if (warmups < 0) {
      throw new IllegalArgumentException("warm-ups must be at least 0, not " + warmups);
    }
    return with(warmups, runs);
  }

  private Profile with(int warmups, int runs) {
    return new Profile(
        name,
        smallObjects,
        smallMinBytes,
        smallMaxBytes,
        largeObjects,
        largeBytes,
        diffObjects,
        diffChanges,
        planningEntries,
        warmups,
        runs,
        concurrency);
  }
}
