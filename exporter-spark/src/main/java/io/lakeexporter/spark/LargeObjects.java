package io.lakeexporter.spark;

import io.lakeexporter.copy.CopyEngine;
import io.lakeexporter.plan.Action;
import io.lakeexporter.plan.DestinationKeys;
import io.lakeexporter.report.ActionOutcome;
import io.lakeexporter.source.LakeFsClient;
import io.lakeexporter.source.ObjectEntry;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.MultipartUpload;
import io.lakeexporter.storage.MultipartWritable;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.UploadedPart;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Large objects the destination cannot copy server-side, copied part by part across executors so
 * that no single object holds a round back: the driver starts each multipart upload, executors read
 * and write the parts (resumed from the upload id), and the driver completes each upload, or aborts
 * it when a part failed. When the part job itself fails or is cancelled, every upload it started is
 * aborted.
 */
final class LargeObjects {

  private final ObjectStore destination;
  private final MultipartWritable multipart;
  private final Location root;
  private final long partSize;
  private final int partitions;
  private final PartJob partJob;

  /** The local property holding the driver thread's job group (SparkContext.SPARK_JOB_GROUP_ID). */
  static final String JOB_GROUP_PROPERTY = "spark.jobGroup.id";

  /** Runs the part tasks of a round and returns every part's result. */
  @FunctionalInterface
  interface PartJob {
    List<PartResult> run(JavaSparkContext jsc, JobSpec spec, List<PartTask> tasks, int slices);
  }

  /** The part tasks as one Spark job, spread over the executors. */
  static final PartJob ON_EXECUTORS =
      (jsc, spec, tasks, slices) ->
          jsc.parallelize(tasks, slices)
              .mapPartitions(it -> ExecutorTasks.copyParts(spec, it))
              .collect();

  LargeObjects(ObjectStore destination, Location root, long partSize, int partitions) {
    this(destination, root, partSize, partitions, ON_EXECUTORS);
  }

  LargeObjects(
      ObjectStore destination, Location root, long partSize, int partitions, PartJob partJob) {
    this.partJob = partJob;
    this.destination = destination;
    this.multipart = destination instanceof MultipartWritable m ? m : null;
    this.root = root;
    this.partSize = partSize;
    this.partitions = partitions;
  }

  /** One started upload and its object. */
  private record Started(
      Action action, ObjectEntry entry, Location target, MultipartUpload upload) {}

  PartitionOutcome copy(
      JavaSparkContext jsc, JobSpec spec, int round, List<Action> large, LakeFsClient lakeFs) {
    var failures = new ArrayList<ActionOutcome>();
    var started = new ArrayList<Started>();
    var tasks = new ArrayList<PartTask>();
    for (Action action : large) {
      String source = action.source() == null ? "" : action.source().redactedAddress();
      try {
        ObjectEntry entry =
            action.source() != null
                ? action.source()
                : lakeFs.stat(spec.repository(), spec.commitId(), action.path(), false);
        Location target = DestinationKeys.resolve(root, action.path());
        long part = multipart.partLimits().partSizeFor(entry.size(), partSize);
        MultipartUpload upload =
            multipart.startMultipart(target, entry.size(), part, CopyEngine.metadataOf(entry));
        int index = started.size();
        started.add(new Started(action, entry, target, upload));
        int number = 1;
        for (long offset = 0; offset < entry.size(); offset += part, number++) {
          tasks.add(
              new PartTask(
                  index,
                  entry,
                  target.toUnredactedString(),
                  upload.uploadId(),
                  number,
                  offset,
                  Math.min(part, entry.size() - offset)));
        }
      } catch (DestinationKeys.InvalidKeyException e) {
        failures.add(ActionOutcome.failed(action, source, e.getMessage()));
      } catch (FileNotFoundException e) {
        failures.add(
            ActionOutcome.failed(action, source, "source object missing: " + e.getMessage()));
      } catch (IOException | RuntimeException e) {
        failures.add(ActionOutcome.failed(action, source, String.valueOf(e.getMessage())));
      }
    }
    Map<Integer, List<UploadedPart>> parts = new HashMap<>();
    Map<Integer, String> errors = new HashMap<>();
    if (!tasks.isEmpty()) {
      jsc.setJobDescription(
          "lakeFS export of " + spec.repository() + " round " + round + ": parts of large objects");
      List<PartResult> results;
      try {
        results =
            partJob.run(jsc, spec, tasks, Math.max(1, Math.min(tasks.size(), partitions * 4)));
      } catch (Exception e) {
        // The job failed or was cancelled: no upload it started may stay behind (a temporary file,
        // an incomplete multipart upload billed until a lifecycle rule removes it, part objects).
        // Exception, not RuntimeException: Scala throws the checked SparkException undeclared;
        // it is rethrown as it came, for the round to report what stopped it.
        // Parts still being written would land after the abort: the export's jobs stop first.
        String group = jsc.getLocalProperty(JOB_GROUP_PROPERTY);
        if (group != null) {
          jsc.cancelJobGroup(group);
        }
        // An interrupted thread still aborts (store clients such as the AWS SDK's refuse requests
        // on an interrupted thread), and stays interrupted for the caller.
        boolean interrupted = Thread.interrupted() || e instanceof InterruptedException;
        try {
          for (Started s : started) {
            try {
              s.upload().abort();
            } catch (IOException | RuntimeException abortFailure) {
              e.addSuppressed(abortFailure);
            }
          }
        } finally {
          if (interrupted) {
            Thread.currentThread().interrupt();
          }
        }
        throw e;
      }
      for (PartResult r : results) {
        if (r.part() != null) {
          parts.computeIfAbsent(r.object(), k -> new ArrayList<>()).add(r.part());
        } else {
          errors.putIfAbsent(r.object(), r.error());
        }
      }
    }
    long copied = 0;
    long bytes = 0;
    for (int i = 0; i < started.size(); i++) {
      Started s = started.get(i);
      String source = s.entry().redactedAddress();
      try {
        if (errors.containsKey(i)) {
          throw new IOException(errors.get(i));
        }
        s.upload().complete(parts.getOrDefault(i, List.of()));
        long written = destination.stat(s.target()).size();
        if (written != s.entry().size()) {
          destination.delete(List.of(s.target()));
          throw new IOException(
              "size check failed for "
                  + s.target()
                  + ": "
                  + written
                  + " of "
                  + s.entry().size()
                  + " bytes");
        }
        copied++;
        bytes += written;
      } catch (IOException | RuntimeException e) {
        try {
          s.upload().abort();
        } catch (IOException | RuntimeException abortFailure) {
          e.addSuppressed(abortFailure);
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        failures.add(
            ActionOutcome.failed(
                s.action(),
                source,
                message.contains("FileNotFound") || message.contains("no object")
                    ? "source object missing: " + message
                    : message));
      }
    }
    return new PartitionOutcome(copied, 0, failures.size(), bytes, 0, copied, 0, failures, 0);
  }
}
