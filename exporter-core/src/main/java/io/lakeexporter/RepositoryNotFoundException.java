package io.lakeexporter;

/** lakeFS has no repository of that name. */
public final class RepositoryNotFoundException extends ExportException {
  private static final long serialVersionUID = 1L;

  public RepositoryNotFoundException(String repository, String endpoint) {
    super("repository '" + repository + "' not found at lakeFS " + endpoint);
  }
}
