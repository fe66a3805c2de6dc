package io.lakeexporter.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakeexporter.ExportResult;
import io.lakeexporter.copy.CopyStrategy;
import io.lakeexporter.copy.RetryPolicy;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectMetadata;
import io.lakeexporter.storage.ObjectStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file an export leaves at the destination root: {@code EXPORT_<commitId>_SUCCESS} or {@code
 * EXPORT_<commitId>_FAILURE}, UTF-8 JSON with the summary and, on failure, every failed operation.
 */
public final class StatusFile {

  private static final Logger LOG = LoggerFactory.getLogger(StatusFile.class);

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private StatusFile() {}

  public static String successName(String commitId) {
    return "EXPORT_" + commitId + "_SUCCESS";
  }

  public static String failureName(String commitId) {
    return "EXPORT_" + commitId + "_FAILURE";
  }

  /**
   * Writes the status file of {@code result} at {@code root} and removes the other one of the same
   * commit, which no longer tells the truth.
   *
   * @return where it was written
   */
  public static Location write(
      ObjectStore destination, Location root, ExportResult result, RetryPolicy retry)
      throws IOException {
    String name =
        result.succeeded() ? successName(result.commitId()) : failureName(result.commitId());
    String stale =
        result.succeeded() ? failureName(result.commitId()) : successName(result.commitId());
    Location file = root.child(name);
    byte[] json = render(result);
    retry.run(
        () -> {
          destination.write(
              file,
              new ByteArrayInputStream(json),
              json.length,
              new ObjectMetadata("application/json", Map.of()));
          return null;
        });
    List<ObjectStore.DeleteFailure> left = destination.delete(List.of(root.child(stale)));
    if (!left.isEmpty()) {
      LOG.warn(
          "could not remove the stale status file {}: {}", root.child(stale), left.get(0).reason());
    }
    return file;
  }

  /** The JSON of {@code result}, as UTF-8 bytes. */
  public static byte[] render(ExportResult result) {
    ObjectNode root = JSON.createObjectNode();
    root.put("status", result.succeeded() ? "SUCCESS" : "FAILURE");
    root.put("repository", result.repository());
    root.put("mode", result.mode().label());
    if (result.branch() != null) {
      root.put("branch", result.branch());
    }
    if (result.previousCommitId() != null) {
      root.put("previous_commit_id", result.previousCommitId());
    }
    root.put("commit_id", result.commitId());
    root.put("destination", result.destination());
    root.put("started_at", result.startedAt().toString());
    root.put("finished_at", result.finishedAt().toString());
    root.put("exporter_version", result.exporterVersion());
    ArrayNode rounds = root.putArray("rounds");
    for (RoundSummary r : result.rounds()) {
      ObjectNode n = rounds.addObject();
      n.put("round", r.round());
      n.put("status", r.status().name());
      n.put("copied", r.copied());
      n.put("deleted", r.deleted());
      n.put("failed", r.failed());
      n.put("bytes", r.bytes());
      ObjectNode by = n.putObject("copied_by");
      for (CopyStrategy s : CopyStrategy.values()) {
        by.put(s.label(), r.copiedBy(s));
      }
    }
    ObjectNode totals = root.putObject("totals");
    totals.put("copied", result.copied());
    totals.put("deleted", result.deleted());
    totals.put("failed", result.failed());
    totals.put("bytes", result.bytes());
    if (!result.error().isEmpty()) {
      root.put("error", result.error());
    }
    if (!result.succeeded()) {
      ArrayNode failures = root.putArray("failures");
      for (ActionOutcome f : result.failures()) {
        ObjectNode n = failures.addObject();
        n.put("operation", f.kind().label());
        n.put("key", f.path());
        n.put("round", f.round());
        n.put("source", f.source());
        n.put("error", f.error());
      }
      root.put("failures_omitted", result.failuresOmitted());
    }
    try {
      return JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
