package io.lakeexporter.storage;

import java.io.IOException;

/** The store cannot do this at all; retrying will not help. */
public final class UnsupportedStoreOperationException extends IOException {
  private static final long serialVersionUID = 1L;

  public UnsupportedStoreOperationException(String store, String operation, Location location) {
    super(store + " cannot " + operation + " (" + location + ")");
  }
}
