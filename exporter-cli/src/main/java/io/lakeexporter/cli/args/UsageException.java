package io.lakeexporter.cli.args;

/** A command line that cannot be run as given: the message says what to change. */
public final class UsageException extends RuntimeException {

  public UsageException(String message) {
    super(message);
  }

  public UsageException(String message, Throwable cause) {
    super(message, cause);
  }
}
