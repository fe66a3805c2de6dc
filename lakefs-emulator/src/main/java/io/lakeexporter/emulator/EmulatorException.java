package io.lakeexporter.emulator;

/** An API error with the HTTP status lakeFS would answer. */
final class EmulatorException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final int status;

  EmulatorException(int status, String message) {
    super(message);
    this.status = status;
  }
}
