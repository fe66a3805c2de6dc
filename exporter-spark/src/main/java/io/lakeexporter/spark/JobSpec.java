package io.lakeexporter.spark;

import io.lakeexporter.NamespaceCheck;
import io.lakeexporter.exec.SourceMode;
import io.lakeexporter.filter.KeyFilter;
import io.lakeexporter.plan.DestinationKeys;
import io.lakeexporter.plan.DiffUnion;
import io.lakeexporter.plan.ExportMode;
import io.lakeexporter.source.LakeFsConfig;
import io.lakeexporter.storage.Location;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything an executor needs to list and copy its share of an export; shipped with each task.
 * Holds credentials: it never appears in job descriptions, RDD names or logs ({@link #toString()}
 * hides the settings' values and the lakeFS secret).
 */
record JobSpec(
    LakeFsConfig lakeFs,
    String repository,
    ExportMode mode,
    String commitId,
    String previousCommitId,
    KeyFilter filter,
    Map<String, String> settings,
    String destination,
    String reservedPrefix,
    String reservedFor,
    boolean mayHoldLakeFsData,
    int concurrency,
    long partSize,
    long multipartThreshold,
    SourceMode sourceMode,
    boolean skipIdentical,
    List<String> stoppedExports)
    implements Serializable {

  JobSpec {
    Objects.requireNonNull(lakeFs, "lakeFs is null");
    Objects.requireNonNull(repository, "repository is null");
    Objects.requireNonNull(mode, "mode is null");
    Objects.requireNonNull(commitId, "commitId is null");
    Objects.requireNonNull(filter, "filter is null");
    settings = Map.copyOf(settings);
    Objects.requireNonNull(destination, "destination is null");
    Objects.requireNonNull(reservedPrefix, "reservedPrefix is null");
    Objects.requireNonNull(reservedFor, "reservedFor is null");
    Objects.requireNonNull(sourceMode, "sourceMode is null");
    stoppedExports = List.copyOf(stoppedExports);
  }

  /**
   * The commits a diff runs from: the previous one, and those of exports that stopped part-way over
   * its export ({@link DiffUnion}).
   */
  List<String> diffsFrom() {
    return DiffUnion.starts(previousCommitId, stoppedExports, commitId);
  }

  /** The keys executors may write under the destination root (see {@link NamespaceCheck}). */
  DestinationKeys keys() {
    return new DestinationKeys(
        Location.parse(destination), reservedPrefix, reservedFor, mayHoldLakeFsData);
  }

  @Override
  public String toString() {
    return "JobSpec["
        + repository
        + "@"
        + commitId
        + " -> "
        + destination
        + ", settings "
        + settings.keySet()
        + "]";
  }
}
