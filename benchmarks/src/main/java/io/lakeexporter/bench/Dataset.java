package io.lakeexporter.bench;

/**
 * A committed dataset in an emulator repository, and the same objects under one folder for the
 * tools that know nothing of lakeFS.
 *
 * @param kind small, large or diff
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

  boolean isDiff() {
    return previousCommitId != null;
  }
}
