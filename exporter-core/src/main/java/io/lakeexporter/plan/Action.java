package io.lakeexporter.plan;

import io.lakeexporter.source.ObjectEntry;
import java.io.Serializable;
import java.util.Objects;

/**
 * One thing an export does to one key.
 *
 * @param kind copy or delete
 * @param path the lakeFS path, which is also the key under the destination root
 * @param round the round it runs in, from 1
 * @param source the object to copy when the listing already knows it; {@code null} for deletes and
 *     for diff copies, whose source is looked up when the copy runs
 * @param size bytes to copy (from the listing or the diff), 0 for deletes
 */
public record Action(Kind kind, String path, int round, ObjectEntry source, long size)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  public Action {
    Objects.requireNonNull(kind, "kind is null");
    Objects.requireNonNull(path, "path is null");
    if (round < 1) {
      throw new IllegalArgumentException("round " + round + " of " + path + " is not >= 1");
    }
  }

  public static Action copy(ObjectEntry entry, int round) {
    return new Action(Kind.COPY, entry.path(), round, entry, entry.size());
  }

  public static Action copyOf(String path, long size, int round) {
    return new Action(Kind.COPY, path, round, null, size);
  }

  public static Action delete(String path, int round) {
    return new Action(Kind.DELETE, path, round, null, 0);
  }

  /** What an action does. */
  public enum Kind {
    COPY,
    DELETE;

    /** Lower-case name, as written in status files. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
