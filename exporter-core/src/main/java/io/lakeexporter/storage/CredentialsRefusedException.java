package io.lakeexporter.storage;

/**
 * The store refused the credentials themselves (an access key it does not know, a signature made
 * with the wrong secret, an expired token), not a permission they lack: no request with them can
 * succeed. Met while the destination is checked, the export is refused before anything is copied.
 */
public final class CredentialsRefusedException extends RequestRefusedException {
  private static final long serialVersionUID = 1L;

  public CredentialsRefusedException(String message) {
    super(message);
  }
}
