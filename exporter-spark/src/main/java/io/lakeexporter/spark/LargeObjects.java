package io.lakeexporter.spark;

import io.lakeexporter.copy.CopyEngine;
import io.lakeexporter.copy.CopyStrategy;
import io.lakeexporter.plan.Action;
import io.lakeexporter.plan.DestinationKeys;
import io.lakeexporter.report.ActionOutcome;
import io.lakeexporter.source.LakeFsClient;
import io.lakeexporter.source.ObjectEntry;
import io.lakeexporter.storage.BucketNotFoundException;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.MultipartUpload;
import io.lakeexporter.storage.MultipartWritable;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.UploadedPart;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
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
  private final long partSize;
  private final int partitions;
  private final PartJob partJob;
  private final int maxObjects;
  private final int maxParts;

  /** Large objects whose uploads are open at once, at most. */
  static final int MAX_OBJECTS_PER_JOB = 1_000;

  /** Part tasks of one job: past this no further object joins the batch. */
  static final int MAX_PARTS_PER_JOB = 10_000;

  /** The local property holding the driver thread's job group (SparkContext.SPARK_JOB_GROUP_ID). */
  static final String JOB_GROUP_PROPERTY = "spark.jobGroup.id";

  /** Runs the part tasks of a round and returns every part's result. */
  @FunctionalInterface
  interface PartJob {
    List<PartResult> run(JavaSparkContext jsc, JobSpec spec, List<PartTask> tasks, int slices);
  }

  /** The part tasks as one Spark job, spread over the executors. */
  static final PartJob ON_EXECUTORS =
      (jsc, spec, tasks, slices) -> {
        String export = jsc.getLocalProperty(JOB_GROUP_PROPERTY);
        return jsc.parallelize(tasks, slices)
            .mapPartitions(it -> ExecutorTasks.copyParts(spec, it, export))
            .collect();
      };

  LargeObjects(ObjectStore destination, long partSize, int partitions) {
    this(destination, partSize, partitions, ON_EXECUTORS);
  }

  LargeObjects(ObjectStore destination, long partSize, int partitions, PartJob partJob) {
    this(destination, partSize, partitions, partJob, MAX_OBJECTS_PER_JOB, MAX_PARTS_PER_JOB);
  }

  LargeObjects(
      ObjectStore destination,
      long partSize,
      int partitions,
      PartJob partJob,
      int maxObjects,
      int maxParts) {
    if (maxObjects < 1 || maxParts < 1) {
      throw new IllegalArgumentException("batch limits must be positive");
    }
    this.partJob = partJob;
    this.maxObjects = maxObjects;
    this.maxParts = maxParts;
    this.destination = destination;
    this.multipart = destination instanceof MultipartWritable m ? m : null;
    this.partSize = partSize;
    this.partitions = partitions;
  }

  /** One started upload and its object. */
  private record Started(
      Action action, ObjectEntry entry, Location target, MultipartUpload upload) {}

  /**
   * Copies {@code large} in parts, a batch at a time: at most {@link #MAX_OBJECTS_PER_JOB} objects
   * and about {@link #MAX_PARTS_PER_JOB} parts (more only for one object alone) have their uploads
   * open, their part tasks and their results in the driver at once, however many large objects the
   * round holds. A batch's uploads are completed before the next batch's start.
   *
   * @param failuresKept how many failures to keep at most; the rest are counted as omitted
   */
  PartitionOutcome copy(
      JavaSparkContext jsc,
      JobSpec spec,
      int round,
      Iterator<Action> large,
      LakeFsClient lakeFs,
      int failuresKept) {
    var sum = new Sum(failuresKept);
    var batch = new Batch();
    // A batch whose parts found a server gone (sum.stopped) ends the round's large objects.
    while (large.hasNext() && sum.stopped.isEmpty()) {
      Action action = large.next();
      start(spec, action, lakeFs, batch, sum);
      if (batch.started.size() >= maxObjects || batch.tasks.size() >= maxParts) {
        runBatch(jsc, spec, round, batch, sum);
        batch = new Batch();
      }
    }
    runBatch(jsc, spec, round, batch, sum);
    return new PartitionOutcome(
        sum.copied,
        0,
        sum.failed,
        sum.bytes,
        Map.of(CopyStrategy.PARALLEL_PARTS, sum.copied),
        sum.failures,
        sum.omitted,
        sum.stopped);
  }

  /** The uploads of one batch, and the part tasks that fill them. */
  private static final class Batch {
    final List<Started> started = new ArrayList<>();
    final List<PartTask> tasks = new ArrayList<>();
  }

  /** What the batches did so far: counts, and the failures kept. */
  private static final class Sum {
    final int failuresKept;
    final List<ActionOutcome> failures = new ArrayList<>();
    long copied;
    long bytes;
    long failed;
    long omitted;
    String stopped = "";

    Sum(int failuresKept) {
      this.failuresKept = failuresKept;
    }

    void fail(ActionOutcome failure) {
      failed++;
      if (failures.size() < failuresKept) {
        failures.add(failure);
      } else {
        omitted++;
      }
    }
  }

  /** Starts the upload of {@code action} and plans its parts into {@code batch}. */
  private void start(JobSpec spec, Action action, LakeFsClient lakeFs, Batch batch, Sum sum) {
    String source = action.source() == null ? "" : action.source().redactedAddress();
    try {
      ObjectEntry entry =
          action.source() != null
              ? action.source()
              : lakeFs.stat(spec.repository(), spec.commitId(), action.path(), false);
      Location target = spec.keys().resolve(action.path(), destination);
      long part = multipart.partLimits().partSizeFor(entry.size(), partSize);
      MultipartUpload upload =
          multipart.startMultipart(
              target, entry.size(), part, CopyEngine.metadataFor(entry, destination));
      int index = batch.started.size();
      batch.started.add(new Started(action, entry, target, upload));
      int number = 1;
      for (long offset = 0; offset < entry.size(); offset += part, number++) {
        batch.tasks.add(
            new PartTask(
                index,
                entry,
                target.toUnredactedString(),
                upload.uploadId(),
                number,
                offset,
                Math.min(part, entry.size() - offset)));
      }
    } catch (DestinationKeys.InvalidKeyException | BucketNotFoundException e) {
      sum.fail(ActionOutcome.failed(action, source, e.getMessage()));
    } catch (FileNotFoundException e) {
      sum.fail(ActionOutcome.failed(action, source, "source object missing: " + e.getMessage()));
    } catch (IOException | RuntimeException e) {
      sum.fail(ActionOutcome.failed(action, source, String.valueOf(e.getMessage())));
    }
  }

  /** Runs the part tasks of {@code batch}, then completes (or aborts) each of its uploads. */
  private void runBatch(JavaSparkContext jsc, JobSpec spec, int round, Batch batch, Sum sum) {
    List<Started> started = batch.started;
    List<PartTask> tasks = batch.tasks;
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
        if (sum.stopped.isEmpty()) {
          sum.stopped = r.stopped();
        }
      }
    }
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
        sum.copied++;
        sum.bytes += written;
      } catch (IOException | RuntimeException e) {
        try {
          s.upload().abort();
        } catch (IOException | RuntimeException abortFailure) {
          e.addSuppressed(abortFailure);
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        sum.fail(
            ActionOutcome.failed(
                s.action(),
                source,
                message.contains("FileNotFound") || message.contains("no object")
                    ? "source object missing: " + message
                    : message));
      }
    }
  }
}
