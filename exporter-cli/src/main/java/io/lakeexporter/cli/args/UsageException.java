package io.lakeexporter.cli.args;

/** A command line that cannot be run as given: the message says what to change. */
public final class UsageException extends RuntimeException {

  private final boolean aboutTheCommandLine;

  public UsageException(String message) {
    this(message, null, true);
  }

  public UsageException(String message, Throwable cause) {
    this(message, cause, true);
  }

  private UsageException(String message, Throwable cause, boolean aboutTheCommandLine) {
    super(message, cause);
    this.aboutTheCommandLine = aboutTheCommandLine;
  }

  /**
   * A setting or a destination that cannot work (credentials a store refuses, a missing bucket, a
   * configuration file it cannot read): bad configuration as well, but the command's usage would
   * not help.
   */
  public static UsageException ofConfiguration(String message, Throwable cause) {
    return new UsageException(message, cause, false);
  }

  /** Whether the command's usage helps: the options or arguments are what is wrong. */
  public boolean aboutTheCommandLine() {
    return aboutTheCommandLine;
  }
}
