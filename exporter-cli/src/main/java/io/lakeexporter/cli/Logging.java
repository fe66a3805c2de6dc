package io.lakeexporter.cli;

import java.util.List;

/**
 * The CLI's logging through slf4j-simple: warnings only, unless asked for more. slf4j-simple reads
 * these properties when the first logger is made, so this runs before any command touches core.
 */
final class Logging {

  /**
   * Loggers that write credentials at DEBUG, kept at INFO even with -vv: the AWS SDK's SigV4
   * signers log every canonical request, whose headers hold the session token
   * (x-amz-security-token). A user who sets one of them explicitly still gets what they asked for.
   */
  static final List<String> CREDENTIAL_LOGGERS =
      List.of("software.amazon.awssdk.http.auth.aws", "software.amazon.awssdk.auth.signer");

  /**
   * Loggers silent unless -v is given: the Azure SDK logs every request that failed at ERROR, a
   * stack of lines per request (a refused connection: five), and its identity library (MSAL) a
   * warning of two lines for each token its credential chain could not get, before the exporter
   * reports the same failure in its own words.
   */
  static final List<String> SDK_ERROR_LOGGERS = List.of("com.azure", "com.microsoft.aad.msal4j");

  private Logging() {}

  /**
   * @param verbosity 0: warnings, 1: info, 2 or more: debug
   */
  static void configure(int verbosity) {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      String level = verbosity <= 0 ? "warn" : verbosity == 1 ? "info" : "debug";
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
    }
    levelUnlessSet(CREDENTIAL_LOGGERS, "info");
    if (verbosity <= 0) {
      levelUnlessSet(SDK_ERROR_LOGGERS, "off");
    }
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    if (verbosity <= 0) {
      // "WARN <message>": the milliseconds since the start, the thread and the logger's class
      // say nothing to the user a warning is for; -v shows them.
      System.setProperty("org.slf4j.simpleLogger.showDateTime", "false");
      System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
      System.setProperty("org.slf4j.simpleLogger.showLogName", "false");
      return;
    }
    // The time of day, for lining a log up with a server's, only with -v: its formatter (calendar,
    // time zone, locale data) cost every export 15-40 ms of its start.
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
  }

  /** {@code level} for each of {@code loggers} whose level the user has not set. */
  private static void levelUnlessSet(List<String> loggers, String level) {
    for (String logger : loggers) {
      String key = "org.slf4j.simpleLogger.log." + logger;
      if (System.getProperty(key) == null) {
        System.setProperty(key, level);
      }
    }
  }
}
