package io.lakeexporter.bench;

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
 * @param expected what a destination holds after a complete export of {@code commitId}
 * @param base for a diff: what it holds at {@code previousCommitId}
 */
record Dataset(
    String kind,
    String repository,
    Place source,
    String commitId,
    String previousCommitId,
    String baseBranch,
    Workspace.Contents expected,
    Workspace.Contents base) {

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
}
