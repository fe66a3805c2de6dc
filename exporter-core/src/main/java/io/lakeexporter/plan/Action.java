package io.lakeexporter.plan;

import io.lakeexporter.source.DiffEntry;
import io.lakeexporter.source.ObjectEntry;
import java.io.Serializable;
import java.util.Locale;
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
 * @param inPreviousCommit whether the key held an object in the previous commit of a diff (a
 *     changed object's copy, and every delete): what is at its destination may be that object's
 *     data
 */
public record Action(
    Kind kind, String path, int round, ObjectEntry source, long size, boolean inPreviousCommit)
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
    return new Action(Kind.COPY, entry.path(), round, entry, entry.size(), false);
  }

  /** A copy whose source is looked up when it runs; a key new to the export. */
  public static Action copyOf(String path, long size, int round) {
    return new Action(Kind.COPY, path, round, null, size, false);
  }

  public static Action delete(String path, int round) {
    return new Action(Kind.DELETE, path, round, null, 0, true);
  }

  /** What a diff export does for {@code change}: a delete, or a copy looked up when it runs. */
  public static Action of(DiffEntry change, int round) {
    return switch (change.type()) {
      case REMOVED -> delete(change.path(), round);
      case ADDED -> copyOf(change.path(), change.sizeBytes(), round);
      case CHANGED -> new Action(Kind.COPY, change.path(), round, null, change.sizeBytes(), true);
    };
  }

  /** What an action does. */
  public enum Kind {
    COPY,
    DELETE;

    /** Lower-case name, as written in status files. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
