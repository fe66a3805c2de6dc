package io.lakeexporter;

import io.lakeexporter.filter.KeyFilter;
import io.lakeexporter.plan.ExportPlan;
import java.util.List;

/**
 * The ranges of the options both exporters take, the standalone {@link Exporter} and the Spark
 * exporter, checked in one place so that both refuse a value alike, in the same words.
 */
public final class OptionChecks {

  /**
   * The most objects (and parts of large objects) copied at once: by the standalone exporter, or by
   * each Spark task. Each is a thread and, for a large object, a part's buffers.
   */
  public static final int MAX_CONCURRENCY = 1024;

  /**
   * The most rounds a key filter may have: each is a line of the counts kept in memory and an entry
   * of the status file (100,000 rounds: a status file of ~27 MB), and each round that holds keys a
   * pass of its own over the commit's listing. Sparse filters (a round per hour of history, most of
   * them empty) stay well inside it.
   */
  public static final int MAX_ROUNDS = 100_000;

  private OptionChecks() {}

  /**
   * Refuses a builder with required settings missing, naming them all at once.
   *
   * @param missing each missing setting and where it is set, as "repository (Builder.repository)"
   * @throws InvalidExportException unless {@code missing} is empty
   */
  public static void nothingMissing(List<String> missing) {
    if (!missing.isEmpty()) {
      throw new InvalidExportException("exporter settings missing: " + String.join(", ", missing));
    }
  }

  /**
   * @return {@code value}
   * @throws InvalidExportException when it is null or blank, as "{@code what} is empty"
   */
  public static String name(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new InvalidExportException(what + " is empty");
    }
    return value;
  }

  /**
   * @return {@code filter}
   * @throws InvalidExportException unless its {@link KeyFilter#rounds()} answers 1 to {@link
   *     #MAX_ROUNDS}, naming the filter
   */
  public static KeyFilter keyFilter(KeyFilter filter) {
    int rounds;
    try {
      rounds = filter.rounds();
    } catch (RuntimeException | LinkageError | AssertionError e) {
      throw new InvalidExportException(
          "key filter " + ExportPlan.nameOf(filter) + " failed in rounds(): " + e, e);
    }
    if (rounds < 1) {
      throw new InvalidExportException(
          "key filter " + ExportPlan.nameOf(filter) + " has no rounds");
    }
    if (rounds > MAX_ROUNDS) {
      throw new InvalidExportException(
          "key filter "
              + ExportPlan.nameOf(filter)
              + " has "
              + rounds
              + " rounds; at most "
              + MAX_ROUNDS);
    }
    return filter;
  }

  /**
   * @return {@code concurrency}
   * @throws InvalidExportException unless it is 1 to {@link #MAX_CONCURRENCY}
   */
  public static int concurrency(int concurrency) {
    if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
      throw new InvalidExportException(
          "concurrency must be 1.." + MAX_CONCURRENCY + ", not " + concurrency);
    }
    return concurrency;
  }

  /**
   * @return {@code bytes}
   * @throws InvalidExportException unless it is positive
   */
  public static long partSize(long bytes) {
    if (bytes < 1) {
      throw new InvalidExportException("part size must be positive, not " + bytes);
    }
    return bytes;
  }

  /**
   * @return {@code bytes}
   * @throws InvalidExportException unless it is positive
   */
  public static long multipartThreshold(long bytes) {
    if (bytes < 1) {
      throw new InvalidExportException("multipart threshold must be positive, not " + bytes);
    }
    return bytes;
  }
}
