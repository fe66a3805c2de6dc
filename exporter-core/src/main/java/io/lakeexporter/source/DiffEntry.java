package io.lakeexporter.source;

import java.util.Objects;

/**
 * One changed object between two commits.
 *
 * @param type what happened to it
 * @param path its lakeFS path
 * @param sizeBytes its size on the newer side, or 0 when removed or unknown
 */
public record DiffEntry(Type type, String path, long sizeBytes) {

  public DiffEntry {
    Objects.requireNonNull(type, "type is null");
    Objects.requireNonNull(path, "path is null");
  }

  /** What a diff says happened. */
  public enum Type {
    ADDED,
    REMOVED,
    CHANGED
  }
}
