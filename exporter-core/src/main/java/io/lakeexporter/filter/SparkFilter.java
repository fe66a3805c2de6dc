package io.lakeexporter.filter;

import java.io.Serializable;

/**
 * The default filter: round 1 for everything, round 2 for Spark {@code _SUCCESS} markers (the key
 * {@code _SUCCESS} or a key ending in {@code /_SUCCESS}), so that a reader who waits for the marker
 * never sees a half-exported table.
 */
public final class SparkFilter implements KeyFilter, Serializable {
  private static final long serialVersionUID = 1L;

  static final String MARKER = "_SUCCESS";

  @Override
  public int rounds() {
    return 2;
  }

  @Override
  public int roundForKey(String key) {
    return isSuccessMarker(key) ? 2 : 1;
  }

  /** Whether {@code key} is a Spark success marker. */
  public static boolean isSuccessMarker(String key) {
    return key.equals(MARKER) || key.endsWith("/" + MARKER);
  }

  @Override
  public String toString() {
    return "SparkFilter[_SUCCESS markers last]";
  }
}
