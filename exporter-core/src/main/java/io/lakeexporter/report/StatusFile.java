package io.lakeexporter.report;

import com.google.gson.stream.JsonWriter;
import io.lakeexporter.DestinationCheck;
import io.lakeexporter.ExportResult;
import io.lakeexporter.StatusFileNotWrittenException;
import io.lakeexporter.copy.CopyStrategy;
import io.lakeexporter.copy.RetryPolicy;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectMetadata;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.StoreCapability;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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

  private StatusFile() {}

  public static String successName(String commitId) {
    return "EXPORT_" + commitId + "_SUCCESS";
  }

  public static String failureName(String commitId) {
    return "EXPORT_" + commitId + "_FAILURE";
  }

  /**
   * Writes the status file of {@code result} at {@code root} and removes the other one of the same
   * commit, which no longer tells the truth. That removal is only tidying: when it fails, or the
   * store cannot delete (a write-once store), a stale file that stays is logged as a warning and
   * the status file written still counts.
   *
   * @return where it was written
   * @throws IOException when the status file could not be written
   */
  public static Location write(
      ObjectStore destination, Location root, ExportResult result, RetryPolicy retry)
      throws IOException {
    return write(destination, root, result, List.of(), retry);
  }

  /**
   * As {@link #write(ObjectStore, Location, ExportResult, RetryPolicy)}, saying in the file that
   * the diff ran from {@code alsoFrom} too ({@link #render(ExportResult, List)}).
   */
  public static Location write(
      ObjectStore destination,
      Location root,
      ExportResult result,
      List<String> alsoFrom,
      RetryPolicy retry)
      throws IOException {
    String name =
        result.succeeded() ? successName(result.commitId()) : failureName(result.commitId());
    String stale =
        result.succeeded() ? failureName(result.commitId()) : successName(result.commitId());
    Location file = root.child(name);
    byte[] json = render(result, alsoFrom);
    retry.run(
        () -> {
          destination.write(
              file,
              new ByteArrayInputStream(json),
              json.length,
              new ObjectMetadata("application/json", Map.of()));
          return null;
        });
    removeStale(destination, root.child(stale), retry);
    return file;
  }

  /**
   * Writes the status file of {@code result}, as {@link #write} does, and returns the result that
   * names it. An interrupted export still leaves its report: the thread's interrupt is set aside
   * while the file is written (store clients such as the AWS SDK's refuse requests on an
   * interrupted thread, and a retry could not wait) and set again for the caller.
   *
   * @throws StatusFileNotWrittenException carrying {@code result} when the file could not be
   *     written, whether the store failed with an IOException or refused unchecked (a setting it
   *     reads only on first use): the outcome is not lost either way
   */
  public static ExportResult record(
      ObjectStore destination,
      Location root,
      ExportResult result,
      List<String> alsoFrom,
      RetryPolicy retry) {
    boolean interrupted = Thread.interrupted();
    try {
      return result.withStatusFile(write(destination, root, result, alsoFrom, retry).toString());
    } catch (IOException | RuntimeException e) {
      throw new StatusFileNotWrittenException(
          "export of commit "
              + result.commitId()
              + " of repository '"
              + result.repository()
              + "' ended "
              + result.status()
              + " ("
              + result.copied()
              + " copied, "
              + result.deleted()
              + " deleted, "
              + result.failed()
              + " failed) but its status file could not be written at "
              + root
              + ": "
              + DestinationCheck.describe(e),
          result,
          e);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void removeStale(ObjectStore destination, Location stale, RetryPolicy retry) {
    try {
      if (!destination.capabilities().contains(StoreCapability.DELETE)) {
        destination.stat(stale); // no file, nothing to say
        LOG.warn(
            "the stale status file {} stays: the {} store cannot delete",
            stale,
            destination.name());
        return;
      }
      List<ObjectStore.DeleteFailure> left =
          retry.run(() -> destination.delete(List.of(stale))).value();
      if (!left.isEmpty()) {
        LOG.warn("could not remove the stale status file {}: {}", stale, left.get(0).reason());
      }
    } catch (FileNotFoundException e) {
      // There is no stale file.
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not remove the stale status file {}: {}", stale, e.toString());
    }
  }

  /**
   * {@code "also_from": [...]}, the commits a diff ran from besides its previous one, as a status
   * file and a lease write them; nothing when there are none.
   */
  static void writeAlsoFrom(JsonWriter json, List<String> alsoFrom) throws IOException {
    if (alsoFrom.isEmpty()) {
      return;
    }
    json.name("also_from").beginArray();
    for (String commit : alsoFrom) {
      json.value(commit);
    }
    json.endArray();
  }

  /** The JSON of {@code result}, as UTF-8 bytes. */
  public static byte[] render(ExportResult result) {
    return render(result, List.of());
  }

  /**
   * The JSON of {@code result}, as UTF-8 bytes, with {@code alsoFrom}: the commits of exports
   * stopped part-way that a diff ran from besides its previous commit, for the next one to run from
   * too should this one stop part-way as well.
   */
  public static byte[] render(ExportResult result, List<String> alsoFrom) {
    var out = new ByteArrayOutputStream();
    // Gson's streaming writer: the lakeFS client has loaded it already, where an object mapper
    // would cost every export ~60 ms of class loading at its very end.
    try (var json = new JsonWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8))) {
      json.setIndent("  ");
      json.beginObject();
      json.name("status").value(result.succeeded() ? "SUCCESS" : "FAILURE");
      json.name("repository").value(result.repository());
      json.name("mode").value(result.mode().label());
      if (result.branch() != null) {
        json.name("branch").value(result.branch());
      }
      if (result.previousCommitId() != null) {
        json.name("previous_commit_id").value(result.previousCommitId());
      }
      writeAlsoFrom(json, alsoFrom);
      json.name("commit_id").value(result.commitId());
      json.name("destination").value(result.destination());
      json.name("started_at").value(result.startedAt().toString());
      json.name("finished_at").value(result.finishedAt().toString());
      json.name("exporter_version").value(result.exporterVersion());
      json.name("rounds").beginArray();
      for (RoundSummary r : result.rounds()) {
        json.beginObject();
        json.name("round").value(r.round());
        json.name("status").value(r.status().name());
        json.name("copied").value(r.copied());
        json.name("deleted").value(r.deleted());
        json.name("failed").value(r.failed());
        json.name("bytes").value(r.bytes());
        json.name("copied_by").beginObject();
        for (CopyStrategy s : CopyStrategy.values()) {
          json.name(s.label()).value(r.copiedBy(s));
        }
        json.endObject();
        json.endObject();
      }
      json.endArray();
      json.name("totals").beginObject();
      json.name("copied").value(result.copied());
      json.name("deleted").value(result.deleted());
      json.name("failed").value(result.failed());
      json.name("bytes").value(result.bytes());
      json.endObject();
      if (!result.error().isEmpty()) {
        json.name("error").value(result.error());
      }
      if (!result.succeeded()) {
        json.name("failures").beginArray();
        for (ActionOutcome f : result.failures()) {
          json.beginObject();
          json.name("operation").value(f.kind().label());
          json.name("key").value(f.path());
          json.name("round").value(f.round());
          json.name("source").value(f.source());
          json.name("error").value(f.error());
          json.name("attempts").value(f.attempts());
          json.endObject();
        }
        json.endArray();
        json.name("failures_omitted").value(result.failuresOmitted());
      }
      json.endObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // writing into memory
    }
    return out.toByteArray();
  }
}
