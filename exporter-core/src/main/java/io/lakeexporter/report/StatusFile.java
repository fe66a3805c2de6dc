package io.lakeexporter.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakeexporter.ExportResult;
import io.lakeexporter.copy.CopyStrategy;
import java.io.UncheckedIOException;

/**
 * The file an export leaves at the destination root: {@code EXPORT_<commitId>_SUCCESS} or {@code
 * EXPORT_<commitId>_FAILURE}, UTF-8 JSON with the summary and, on failure, every failed operation.
 */
public final class StatusFile {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private StatusFile() {}

  public static String successName(String commitId) {
    return "EXPORT_" + commitId + "_SUCCESS";
  }

  public static String failureName(String commitId) {
    return "EXPORT_" + commitId + "_FAILURE";
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
