package io.lakeexporter.spark;

import io.lakeexporter.copy.CopyEngine;
import io.lakeexporter.copy.CopySettings;
import io.lakeexporter.copy.RetryPolicy;
import io.lakeexporter.exec.ActionHandler;
import io.lakeexporter.exec.ExportActions;
import io.lakeexporter.exec.LocalExecutor;
import io.lakeexporter.plan.Action;
import io.lakeexporter.plan.DestinationKeys;
import io.lakeexporter.plan.DiffUnion;
import io.lakeexporter.plan.ExportMode;
import io.lakeexporter.plan.ExportPlan;
import io.lakeexporter.report.ActionOutcome;
import io.lakeexporter.report.Printable;
import io.lakeexporter.report.ProgressListener;
import io.lakeexporter.report.RoundSummary;
import io.lakeexporter.report.RoundTally;
import io.lakeexporter.source.DiffEntry;
import io.lakeexporter.source.LakeFsClient;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.MultipartWritable;
import io.lakeexporter.storage.StorageRegistry;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.storage.UploadedPart;
import io.lakeexporter.storage.http.HttpStorageProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** The work that runs on executors: listing a split, and copying a partition of actions. */
final class ExecutorTasks {

  private ExecutorTasks() {}

  /**
   * The actions of {@code round} (of every round when it is 0) in one split of the listing, fetched
   * page by page as Spark consumes them (never the whole split in memory).
   */
  static Iterator<Action> list(JobSpec spec, ListingSplit split, int round) {
    LakeFsClient lakeFs = LakeFsClient.create(spec.lakeFs());
    Stream<Action> actions;
    if (spec.mode() == ExportMode.DIFF) {
      // The root's split reads only the root's changes, not the whole diff past each directory.
      // From the previous commit, and from any export stopped part-way over its export.
      Stream<DiffEntry> changes =
          DiffUnion.of(
              spec.diffsFrom().stream()
                  .map(
                      from ->
                          split.levelOnly()
                              ? lakeFs.diffAtLevel(
                                  spec.repository(), from, spec.commitId(), split.prefix())
                              : lakeFs.diff(
                                  spec.repository(), from, spec.commitId(), split.prefix()))
                  .toList());
      actions =
          changes
              .filter(d -> split.covers(d.path()))
              .map(d -> Action.of(d, ExportPlan.roundOf(spec.filter(), d.path())));
    } else {
      actions =
          lakeFs
              .listObjects(
                  spec.repository(),
                  spec.commitId(),
                  split.prefix(),
                  split.levelOnly() ? "/" : "",
                  false)
              .map(e -> Action.copy(e, ExportPlan.roundOf(spec.filter(), e.path())));
    }
    Iterator<Action> it = actions.filter(a -> round == 0 || a.round() == round).iterator();
    return new Iterator<>() {
      private boolean open = true;

      @Override
      public boolean hasNext() {
        boolean more = open && it.hasNext();
        if (!more && open) {
          open = false;
          lakeFs.close();
        }
        return more;
      }

      @Override
      public Action next() {
        return it.next();
      }
    };
  }

  /**
   * Copies the parts of large objects, each into the upload the driver started. A part that finds a
   * server the export needs gone stops the export's part tasks in this JVM, as {@link #run} does:
   * the parts after it are not tried, and fail saying why.
   *
   * @param export the export's job group, or null to stop only this task's parts
   */
  static Iterator<PartResult> copyParts(JobSpec spec, Iterator<PartTask> tasks, String export) {
    LakeFsClient lakeFs = LakeFsClient.create(spec.lakeFs());
    var results = new ArrayList<PartResult>();
    try (var storage = StorageRegistry.discover(StorageSettings.of(spec.settings()));
        var executor = new LocalExecutor(1);
        var presigned = HttpStorageProvider.reader(storage.settings())) {
      DestinationKeys keys = spec.keys();
      var destination = storage.storeFor(keys.root());
      var settings =
          new CopySettings(spec.partSize(), spec.multipartThreshold(), RetryPolicy.DEFAULT, true);
      var handler =
          new ExportActions(
              lakeFs,
              spec.repository(),
              spec.commitId(),
              spec.previousCommitId(),
              storage,
              destination,
              keys,
              new CopyEngine(destination, executor.partPool(), settings),
              spec.sourceMode(),
              RetryPolicy.DEFAULT,
              presigned,
              // Parts are written, never skipped: the driver left out what was there.
              null);
      var multipart = (MultipartWritable) destination;
      String stopped = export == null ? null : STOPPED.get(export);
      while (tasks.hasNext()) {
        PartTask task = tasks.next();
        if (stopped != null) {
          results.add(
              new PartResult(
                  task.object(), null, "part " + task.partNumber() + ": not copied", stopped));
          continue;
        }
        try {
          Location target = Location.parse(task.target());
          var source = handler.sourceOf(task.entry());
          var upload = multipart.resumeMultipart(target, task.uploadId());
          UploadedPart part =
              RetryPolicy.DEFAULT
                  .run(
                      () -> {
                        // The last part reads on to the source's end, which must come there: a
                        // source longer than lakeFS records is not cut to the recorded size.
                        boolean last = task.offset() + task.length() == task.entry().size();
                        try (InputStream in =
                            source.reader().open(task.offset(), last ? -1 : task.length())) {
                          UploadedPart written =
                              upload.writePart(task.partNumber(), in, task.length());
                          if (last && in.read() >= 0) {
                            throw source.longerThanRecorded();
                          }
                          return written;
                        }
                      })
                  .value();
          results.add(new PartResult(task.object(), part, "", ""));
        } catch (IOException | RuntimeException e) {
          String error = "part " + task.partNumber() + ": " + Printable.said(e);
          if (ExportActions.serverGone(e)) {
            stopped = ExportActions.serverGoneStop(Action.Kind.COPY, task.entry().path(), error);
            if (export != null) {
              STOPPED.putIfAbsent(export, stopped);
            }
          }
          results.add(new PartResult(task.object(), null, error, stopped == null ? "" : stopped));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      lakeFs.close();
    }
    return results.iterator();
  }

  /**
   * Failures each partition ships to the driver, at most: a share of what the status file keeps, so
   * that a round in which every copy fails cannot overflow the driver's collect (or {@code
   * spark.driver.maxResultSize}), however many partitions. The rest are counted as omitted.
   */
  static int failuresPerPartition(int partitions) {
    return Math.max(MIN_FAILURES_PER_PARTITION, RoundTally.MAX_FAILURES / Math.max(1, partitions));
  }

  /** Each partition keeps at least this many, for a useful sample of each. */
  static final int MIN_FAILURES_PER_PARTITION = 20;

  /**
   * Exports whose round a task in this JVM stopped (a server the export needs gone), with why, by
   * the export's job group: its tasks that start later take no action, where each would otherwise
   * wait out its own first copy's attempts against the same server. One short entry per export
   * stopped so.
   */
  private static final Map<String, String> STOPPED = new ConcurrentHashMap<>();

  /**
   * Copies and deletes one partition's actions with the core's engine, bounded in memory, keeping
   * at most {@code failuresKept} failures (the rest counted). A copy or delete that finds a server
   * the export needs gone stops the partition: its outcome counts what it did and says why it
   * stopped, rather than fail the task, whose counts Spark would drop (and whose retries would copy
   * again what it had copied).
   *
   * @param export the export's job group, unique to one run of it
   */
  static Iterator<PartitionOutcome> run(
      JobSpec spec,
      int round,
      Iterator<Action> actions,
      int failuresKept,
      ProgressListener progress,
      String export) {
    return stoppedBefore(export, round)
        .orElseGet(() -> carryOut(spec, round, actions, failuresKept, progress, h -> h, export));
  }

  /** Nothing done, when a task of {@code export} in this JVM stopped it already. */
  private static Optional<Iterator<PartitionOutcome>> stoppedBefore(String export, int round) {
    return Optional.ofNullable(STOPPED.get(export))
        .map(
            why ->
                List.of(PartitionOutcome.stopped(RoundSummary.skipped(round), List.of(), 0, why))
                    .iterator());
  }

  /**
   * Takes down, before round 1, the keys of a later round's copies that a diff which skips
   * identical objects writes again, unless the destination holds the commit's version already
   * ({@link ExportActions#takingDownUnlessThere}): as {@link #run}, given the copies.
   */
  static Iterator<PartitionOutcome> takeDown(
      JobSpec spec, int round, Iterator<Action> rewritten, int failuresKept, String export) {
    return stoppedBefore(export, round)
        .orElseGet(
            () ->
                carryOut(
                    spec,
                    round,
                    rewritten,
                    failuresKept,
                    ProgressListener.NONE,
                    ExportActions::takingDownUnlessThere,
                    export));
  }

  /**
   * Looks up one partition's copies at the destination for a dry run that skips identical objects,
   * as {@link ExportActions#look} does: nothing is written.
   */
  static Iterator<PartitionOutcome> look(
      JobSpec spec, int round, Iterator<Action> copies, int failuresKept) {
    return carryOut(
        spec, round, copies, failuresKept, ProgressListener.NONE, ExportActions::lookingOnly, null);
  }

  /**
   * Checks one partition's copies for a dry run that looks nothing up, as the standalone dry run
   * does while it counts ({@link ExportActions#unsentFailure}): nothing is sent; the copies a run
   * would refuse are failures, the others counted with their bytes.
   */
  static Iterator<PartitionOutcome> check(
      JobSpec spec, int round, Iterator<Action> copies, int failuresKept) {
    try (var storage = StorageRegistry.discover(StorageSettings.of(spec.settings()))) {
      DestinationKeys keys = spec.keys();
      var destination = storage.storeFor(keys.root());
      var failures = new RoundTally.FailureLog(failuresKept);
      long copied = 0;
      long failed = 0;
      long bytes = 0;
      while (copies.hasNext()) {
        Action copy = copies.next();
        Optional<ActionOutcome> failure = ExportActions.unsentFailure(copy, destination, keys);
        if (failure.isPresent()) {
          failed++;
          failures.add(failure.get());
        } else {
          copied++;
          bytes += copy.size();
        }
      }
      var checked =
          new RoundSummary(round, RoundSummary.Status.PLANNED, copied, 0, failed, bytes, Map.of());
      return List.of(PartitionOutcome.of(checked, failures.kept(), failures.omitted())).iterator();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Iterator<PartitionOutcome> carryOut(
      JobSpec spec,
      int round,
      Iterator<Action> actions,
      int failuresKept,
      ProgressListener progress,
      Function<ExportActions, ActionHandler> mode,
      String export) {
    LakeFsClient lakeFs = LakeFsClient.create(spec.lakeFs());
    try (var storage = StorageRegistry.discover(StorageSettings.of(spec.settings()));
        var executor = new LocalExecutor(spec.concurrency());
        var presigned = HttpStorageProvider.reader(storage.settings())) {
      DestinationKeys keys = spec.keys();
      var destination = storage.storeFor(keys.root());
      var settings =
          new CopySettings(
              spec.partSize(),
              spec.multipartThreshold(),
              RetryPolicy.DEFAULT,
              true,
              spec.skipIdentical());
      var engine = new CopyEngine(destination, executor.partPool(), settings);
      var handler =
          new ExportActions(
              lakeFs,
              spec.repository(),
              spec.commitId(),
              spec.previousCommitId(),
              storage,
              destination,
              keys,
              engine,
              spec.sourceMode(),
              RetryPolicy.DEFAULT,
              presigned,
              // Executors ask about each object they copy: a listing starts at the root.
              null);
      var failures = new RoundTally.FailureLog(failuresKept);
      Stream<Action> stream =
          StreamSupport.stream(
              Spliterators.spliteratorUnknownSize(actions, Spliterator.ORDERED), false);
      RoundSummary summary;
      try {
        summary = executor.runRound(round, stream, mode.apply(handler), failures, progress);
      } catch (LocalExecutor.RoundStoppedException e) {
        if (export == null || e.interrupted()) {
          // A dry run's look, or a task the driver cancelled (the export interrupted, its lease
          // lost): the job fails, or Spark kills the task.
          throw e;
        }
        String why = Printable.said(e.getCause());
        STOPPED.putIfAbsent(export, why);
        return List.of(
                PartitionOutcome.stopped(e.summary(), failures.kept(), failures.omitted(), why))
            .iterator();
      }
      return List.of(PartitionOutcome.of(summary, failures.kept(), failures.omitted())).iterator();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      lakeFs.close();
    }
  }
}
