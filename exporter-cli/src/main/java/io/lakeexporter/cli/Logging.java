package io.lakeexporter.cli;

/**
 * The CLI's logging through slf4j-simple: warnings only, unless asked for more. slf4j-simple reads
 * these properties when the first logger is made, so this runs before any command touches core.
 */
final class Logging {

  private Logging() {}

  /**
   * @param verbosity 0: warnings, 1: info, 2 or more: debug
   */
  static void configure(int verbosity) {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      String level = verbosity <= 0 ? "warn" : verbosity == 1 ? "info" : "debug";
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
    }
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    // Warnings carry the milliseconds since the start; the time of day, for lining a log up with
    // a server's, only with -v: its formatter (calendar, time zone, locale data) cost every export
    // 15-40 ms of its start.
    if (verbosity > 0) {
      System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
    }
  }
}
