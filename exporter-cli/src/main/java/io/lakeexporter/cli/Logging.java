package io.lakeexporter.cli;

/** The CLI's logging: warnings only, unless asked for more. Set before the first logger exists. */
final class Logging {

  private Logging() {}

  static void configure(boolean verbose) {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
    }
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
  }
}
