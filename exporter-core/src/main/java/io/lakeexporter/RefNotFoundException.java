package io.lakeexporter;

/** The repository exists but the branch or commit does not. */
public final class RefNotFoundException extends ExportException {
  private static final long serialVersionUID = 1L;

  /**
   * @param kind {@code branch} or {@code commit}
   */
  public RefNotFoundException(String kind, String ref, String repository, String endpoint) {
    super(
        kind + " '" + ref + "' not found in repository '" + repository + "' at lakeFS " + endpoint);
  }
}
