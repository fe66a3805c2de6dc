package io.lakeexporter.storage;

import java.io.FileNotFoundException;

/**
 * A bucket (an Azure container) that a request needs does not exist; the message names it. A {@link
 * FileNotFoundException} as every "not there" is, but not a missing source object: an export that
 * meets one says what the store said, not "source object missing" (a destination bucket deleted
 * during an export failed every copy under that heading).
 */
public final class BucketNotFoundException extends FileNotFoundException {
  private static final long serialVersionUID = 1L;

  public BucketNotFoundException(String message) {
    super(message);
  }
}
