package io.lakeexporter.filter;

/**
 * Puts each key of an export in a round. Round N+1 starts only after every action of round N
 * succeeded, so whatever consumers wait for (Spark {@code _SUCCESS} markers, Delta logs, manifests)
 * goes in a later round than the data it describes.
 *
 * <p>Implementations must be deterministic: a key must land in the same round however often it is
 * asked, since an export may list the commit more than once (to count it first, or again for a
 * later round whose actions were too many to keep). For Spark, they must be serializable too.
 */
public interface KeyFilter {

  /** How many rounds, at least 1. */
  int rounds();

  /**
   * The round of {@code key}, from 1 to {@link #rounds()}.
   *
   * @param key the lakeFS path of the object
   */
  int roundForKey(String key);
}
