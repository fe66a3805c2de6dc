package io.lakeexporter;

/** lakeFS rejected the credentials (HTTP 401) or their rights (HTTP 403). */
public final class LakeFsAuthenticationException extends ExportException {
  private static final long serialVersionUID = 1L;

  public LakeFsAuthenticationException(String message) {
    super(message);
  }
}
