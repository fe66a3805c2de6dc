package io.lakeexporter.bench;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The objects a re-run's destination holds out of date before each run: a few, the same ones every
 * run, each replaced by its own bytes with the first one changed and the last one cut off. A tool
 * that re-runs an export must rewrite exactly those and leave the rest alone; one that does nothing
 * (a dry run, an {@code exit 0}) fails, where a destination that holds every object already would
 * let it pass with a huge rate. They differ in size as well as in bytes: {@code aws s3 sync}
 * compares only sizes and times, and would rightly be expected to miss an object of the same size
 * and an older time.
 */
final class StaleObjects {

  /** How many objects each run finds out of date. */
  static final int COUNT = 4;

  private StaleObjects() {}

  /** The keys made stale: {@link #COUNT} spread evenly over the sorted keys. */
  static List<String> keys(Manifest expected) {
    return expected.sample(COUNT);
  }

  /** What a stale object holds in place of {@code entry}: one byte shorter, the first inverted. */
  static byte[] staleBytes(Manifest.Entry entry) throws IOException {
    try (InputStream in = entry.content()) {
      byte[] bytes = in.readNBytes((int) Math.max(0, entry.size() - 1));
      if (bytes.length > 0) {
        bytes[0] = (byte) ~bytes[0];
      }
      return bytes;
    }
  }

  /**
   * Whether a run rewrote exactly the stale objects and nothing else: null when it did, else what
   * it did instead.
   */
  static String problem(Set<String> stale, DestinationSnapshot.Changes changes) {
    if (changes.rewritten() < 0) {
      return "could not look for rewritten objects";
    }
    var missed = new TreeSet<>(stale);
    missed.removeAll(changes.rewrittenKeys());
    var others = new TreeSet<>(changes.rewrittenKeys());
    others.removeAll(stale);
    if (missed.isEmpty() && others.isEmpty() && changes.removed() == 0 && changes.added() == 0) {
      return null;
    }
    var problem = new StringBuilder();
    if (!missed.isEmpty()) {
      problem.append(missed.size()).append(" of ").append(stale.size());
      problem
          .append(" stale objects not rewritten (the first: ")
          .append(missed.first())
          .append(')');
    }
    if (!others.isEmpty() || changes.removed() > 0 || changes.added() > 0) {
      if (problem.length() > 0) {
        problem.append("; ");
      }
      problem.append("objects not left as they were: ");
      problem.append(others.size()).append(" up-to-date ones rewritten, ");
      problem
          .append(changes.removed())
          .append(" removed, ")
          .append(changes.added())
          .append(" added");
      if (!others.isEmpty()) {
        problem.append(" (the first rewritten: ").append(others.first()).append(')');
      }
    }
    return problem.toString();
  }
}
