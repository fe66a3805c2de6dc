package io.lakeexporter.bench;

import java.util.List;
import java.util.Map;

/**
 * A committed dataset in an emulator repository, and the same objects under one folder for the
 * tools that know nothing of lakeFS.
 *
 * @param kind small, large, diff or again (the small dataset's commit, exported again onto a
 *     destination that holds it already)
 * @param repository the emulator repository
 * @param source the folder that holds exactly the objects of {@code commitId}
 * @param commitId the commit to export (the HEAD of {@code main})
 * @param previousCommitId for a diff: the commit the destination already holds; otherwise null
 * @param baseBranch for a diff: a branch at {@code previousCommitId}, to put a destination back
 * @param expected every object a destination holds after a complete export of {@code commitId}
 * @param base for a diff: every object it holds at {@code previousCommitId}
 */
record Dataset(
    String kind,
    String repository,
    Place source,
    String commitId,
    String previousCommitId,
    String baseBranch,
    Manifest expected,
    Manifest base) {

  /** The kind of a re-run of a completed export: {@link #again}. */
  static final String AGAIN = "again";

  boolean isDiff() {
    return previousCommitId != null;
  }

  /** Whether the destination holds every object already and a run must copy none. */
  boolean isRerun() {
    return kind.equals(AGAIN);
  }

  /**
   * The same commit and source folder as a dataset to export again: the data is not written twice,
   * only its scenarios differ.
   */
  Dataset again() {
    return new Dataset(
        AGAIN, repository, source, commitId, previousCommitId, baseBranch, expected, base);
  }

  /**
   * The objects a run must write: on a diff, those added or modified since {@code base}; read back
   * after every run, since a tool that skips them leaves the rest as it should be.
   */
  List<String> changed() {
    if (base == null) {
      return List.of();
    }
    return expected.entries().entrySet().stream()
        .filter(e -> !e.getValue().equals(base.get(e.getKey())))
        .map(Map.Entry::getKey)
        .toList();
  }
}
