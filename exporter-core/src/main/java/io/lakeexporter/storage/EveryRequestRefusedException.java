package io.lakeexporter.storage;

/**
 * The store would refuse every request as configured, not one for a permission it lacks:
 * credentials it does not take (an access key it does not know, a signature made with the wrong
 * secret, an expired token), none found, no region to sign for. Met while the destination is
 * checked, the export is refused before anything is copied.
 */
public final class EveryRequestRefusedException extends RequestRefusedException {
  private static final long serialVersionUID = 1L;

  public EveryRequestRefusedException(String message) {
    super(message);
  }
}
