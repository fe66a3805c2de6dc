package io.lakeexporter.spark;

import io.lakeexporter.DestinationCheck;
import io.lakeexporter.ExportException;
import io.lakeexporter.ExportInterruptedException;
import io.lakeexporter.ExportResult;
import io.lakeexporter.InvalidExportException;
import io.lakeexporter.NamespaceCheck;
import io.lakeexporter.OptionChecks;
import io.lakeexporter.RunRefusals;
import io.lakeexporter.Version;
import io.lakeexporter.copy.CopySettings;
import io.lakeexporter.copy.CopyStrategy;
import io.lakeexporter.copy.IdenticalObject;
import io.lakeexporter.copy.RetryPolicy;
import io.lakeexporter.exec.ExportActions;
import io.lakeexporter.exec.ListingPass;
import io.lakeexporter.exec.LocalExecutor;
import io.lakeexporter.exec.SourceMode;
import io.lakeexporter.filter.KeyFilter;
import io.lakeexporter.filter.SparkFilter;
import io.lakeexporter.plan.Action;
import io.lakeexporter.plan.DestinationKeys;
import io.lakeexporter.plan.ExportMode;
import io.lakeexporter.plan.ExportPlan;
import io.lakeexporter.report.ActionOutcome;
import io.lakeexporter.report.DestinationLease;
import io.lakeexporter.report.PlanTotals;
import io.lakeexporter.report.ProgressListener;
import io.lakeexporter.report.RoundSummary;
import io.lakeexporter.report.RoundTally;
import io.lakeexporter.source.LakeFsClient;
import io.lakeexporter.source.LakeFsConfig;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.MultipartWritable;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.ServerSideCopyable;
import io.lakeexporter.storage.StorageRegistry;
import io.lakeexporter.storage.StorageSettings;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.spark.HashPartitioner;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Runs an export on Spark: the listing is split by directory ({@link ListingSplit}) and fetched by
 * executors, the actions of each round are spread over partitions by bytes (not by count),
 * executors copy with the core engine, and the driver collects one small outcome per partition and
 * writes the same status file as the standalone {@link io.lakeexporter.Exporter}. Rounds are
 * successive Spark jobs; a failed round stops the later ones.
 */
public final class SparkExporter {

  private static final Logger LOG = LoggerFactory.getLogger(SparkExporter.class);

  /** The driver thread's properties that a job group sets (SparkContext's own keys). */
  private static final List<String> JOB_PROPERTIES =
      List.of(
          LargeObjects.JOB_GROUP_PROPERTY, "spark.job.description", "spark.job.interruptOnCancel");

  /** Each object weighs its bytes plus this, so that many small objects also spread out. */
  static final long OBJECT_OVERHEAD_BYTES = 256 * 1024;

  private final SparkSession spark;
  private final LakeFsConfig lakeFsConfig;
  private final String repository;
  private final String destination;
  private final KeyFilter filter;
  private final int concurrency;
  private final long partSize;
  private final long multipartThreshold;
  private final boolean dryRun;
  private final boolean skipIdentical;
  private final boolean checkPreviousExport;
  private final SourceMode sourceMode;
  private final Map<String, String> settings;
  private final int partitions;

  private SparkExporter(Builder b) {
    this.spark = b.spark;
    this.lakeFsConfig = b.lakeFs;
    this.repository = OptionChecks.name(b.repository, "repository name");
    this.destination = b.destination;
    // A filter without rounds would export nothing, and still say SUCCEEDED.
    this.filter = serializable(OptionChecks.keyFilter(b.filter));
    this.concurrency = b.concurrency;
    this.partSize = b.partSize;
    this.multipartThreshold = b.multipartThreshold;
    this.dryRun = b.dryRun;
    this.skipIdentical = b.skipIdentical;
    this.checkPreviousExport = b.checkPreviousExport;
    this.sourceMode = b.sourceMode;
    this.settings = Map.copyOf(b.settings);
    this.partitions =
        b.partitions > 0 ? b.partitions : Math.max(1, spark.sparkContext().defaultParallelism());
    Location root;
    try {
      root = Location.parse(destination);
    } catch (IllegalArgumentException e) {
      throw new InvalidExportException("invalid destination: " + e.getMessage(), e);
    }
    // A destination no storage module serves is refused before lakeFS or the cluster is asked.
    try (StorageRegistry storage = StorageRegistry.discover(StorageSettings.of(settings))) {
      List<String> unknown = storage.unknownSettings();
      if (!unknown.isEmpty() && !b.settingsFromHadoop) {
        throw new InvalidExportException(String.join("; ", unknown));
      }
      // A Hadoop configuration carries the keys of every file system and library: only said.
      unknown.forEach(line -> LOG.warn("in the Hadoop configuration, {}", line));
      storage.settingsNearMisses().forEach(LOG::warn);
      storage.providerFor(root);
    } catch (IOException e) {
      throw new InvalidExportException("cannot use destination " + root + ": " + e.getMessage(), e);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@code filter}, once it is known to serialize: Spark sends it to the executors, and a filter
   * that does not would fail the export after lakeFS was asked and the destination made, as "Task
   * not serializable".
   */
  private static KeyFilter serializable(KeyFilter filter) {
    try (var out = new ObjectOutputStream(OutputStream.nullOutputStream())) {
      out.writeObject(filter);
    } catch (IOException e) {
      throw new InvalidExportException(
          "key filter "
              + filter
              + " does not serialize ("
              + e
              + "); Spark sends it to the executors: make it and its fields Serializable",
          e);
    }
    return filter;
  }

  public ExportResult exportAllFromBranch(String branch) {
    OptionChecks.name(branch, "branch");
    LakeFsClient lakeFs = LakeFsClient.create(lakeFsConfig);
    try {
      return run(lakeFs, ExportMode.BRANCH, branch, null, lakeFs.resolveBranch(repository, branch));
    } finally {
      lakeFs.close();
    }
  }

  public ExportResult exportAllFromCommit(String commitId) {
    OptionChecks.name(commitId, "commit id");
    LakeFsClient lakeFs = LakeFsClient.create(lakeFsConfig);
    try {
      return run(lakeFs, ExportMode.COMMIT, null, null, lakeFs.commit(repository, commitId).id());
    } finally {
      lakeFs.close();
    }
  }

  public ExportResult exportFrom(String branch, String prevCommitId) {
    OptionChecks.name(branch, "branch");
    OptionChecks.name(prevCommitId, "previous commit id");
    LakeFsClient lakeFs = LakeFsClient.create(lakeFsConfig);
    try {
      String head = lakeFs.resolveBranch(repository, branch);
      String previous = lakeFs.previousCommit(repository, prevCommitId).id();
      return run(lakeFs, ExportMode.DIFF, branch, previous, head);
    } finally {
      lakeFs.close();
    }
  }

  private ExportResult run(
      LakeFsClient lakeFs, ExportMode mode, String branch, String previous, String commitId) {
    Instant started = Instant.now();
    if (Thread.currentThread().isInterrupted()) {
      throw new ExportInterruptedException(
          "export of commit "
              + commitId
              + " of repository '"
              + repository
              + "' to "
              + Location.parse(destination)
              + " interrupted before it started");
    }
    Location root = Location.parse(destination);
    // The driver's store clients are closed however the export ends (dry run, failure, success).
    StorageRegistry driverStorage = StorageRegistry.discover(StorageSettings.of(settings));
    try {
      // A destination that cannot be written is refused before anything is listed: otherwise
      // every copy would fail, and then the status file too.
      DestinationKeys keys = NamespaceCheck.keys(lakeFs, repository, driverStorage, root);
      RunRefusals refusals = new RunRefusals();
      boolean checked = mode == ExportMode.DIFF && checkPreviousExport;
      if (checked && !dryRun) {
        // As the standalone exporter: a first look before anything is made or taken there.
        DestinationCheck.refuseDiffStartEarly(
            driverStorage, root, repository, previous, commitId, RetryPolicy.DEFAULT);
      }
      ObjectStore destinationStore =
          dryRun
              ? DestinationCheck.storeForDryRun(driverStorage, root, RetryPolicy.DEFAULT, refusals)
              : DestinationCheck.usableStore(driverStorage, root, RetryPolicy.DEFAULT);
      DestinationLease lease =
          dryRun
              ? null
              : DestinationLease.take(
                  destinationStore, root, repository, commitId, RetryPolicy.DEFAULT);
      try {
        List<String> stopped =
            checked
                ? DestinationCheck.diffStarts(
                    destinationStore,
                    root,
                    repository,
                    previous,
                    commitId,
                    lease,
                    RetryPolicy.DEFAULT,
                    refusals)
                : List.of();
        if (dryRun) {
          DestinationLease.heldByAnother(destinationStore, root).ifPresent(refusals::add);
        }
        ExportResult result =
            runHolding(
                lakeFs,
                mode,
                branch,
                previous,
                stopped,
                commitId,
                started,
                root,
                driverStorage,
                keys,
                destinationStore,
                lease);
        return dryRun ? result.withRefusals(refusals) : result;
      } finally {
        if (lease != null) {
          lease.close();
        }
      }
    } finally {
      closeQuietly(driverStorage);
    }
  }

  /** The export {@link #run} starts, {@code lease} held ({@code null} for a dry run). */
  private ExportResult runHolding(
      LakeFsClient lakeFs,
      ExportMode mode,
      String branch,
      String previous,
      List<String> stoppedExports,
      String commitId,
      Instant started,
      Location root,
      StorageRegistry driverStorage,
      DestinationKeys keys,
      ObjectStore destinationStore,
      DestinationLease lease) {
    var spec =
        new JobSpec(
            lakeFsConfig,
            repository,
            mode,
            commitId,
            previous,
            filter,
            settings,
            forExecutors(root, destination),
            keys.reservedPrefix(),
            keys.reservedFor(),
            keys.mayHoldLakeFsData(),
            concurrency,
            partSize,
            multipartThreshold,
            sourceMode,
            skipIdentical,
            stoppedExports);
    // The driver lists the first levels only; executors list the rest, one split each.
    List<ListingSplit> splitList;
    try {
      splitList =
          previous != null
              ? ListingSplit.ofDiff(lakeFs, repository, spec.diffsFrom(), commitId)
              : ListingSplit.of(
                  lakeFs, repository, commitId, partitions, Math.max(100, 4 * partitions));
    } catch (ExportInterruptedException e) {
      throw e; // nothing was done
    } catch (RuntimeException e) {
      if (dryRun || Thread.currentThread().isInterrupted()) {
        throw e;
      }
      // Round 1's listing, begun on the driver: its failure ends the export as round 1's
      // would on an executor, with a status file that says so (and a stale one removed).
      var rounds = new ArrayList<RoundSummary>();
      rounds.add(new RoundSummary(1, RoundSummary.Status.FAILED, 0, 0, 0, 0, Map.of()));
      for (int r = 2; r <= filter.rounds(); r++) {
        rounds.add(RoundSummary.skipped(r));
      }
      ExportResult stopped =
          result(
              mode,
              branch,
              previous,
              commitId,
              started,
              ExportResult.Status.FAILED,
              rounds,
              List.of(),
              0,
              stopError(1, e),
              null,
              null);
      return lease.recordStatus(stopped, root, RetryPolicy.DEFAULT);
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    // One job group for the export's jobs, so that an interrupt cancels them all; Spark stops a
    // job whose caller was interrupted only when asked to.
    String group = "lakefs-export-" + UUID.randomUUID();
    // The caller's own job group and description, if any, are theirs again afterwards.
    var callers = new LinkedHashMap<String, String>();
    for (String key : JOB_PROPERTIES) {
      callers.put(key, jsc.getLocalProperty(key));
    }
    if (lease != null) {
      // Another export writes here now: the round under way stops, as a standalone one does.
      lease.whenLost(() -> jsc.cancelJobGroup(group));
    }
    try {
      return runRounds(
          lakeFs,
          mode,
          branch,
          previous,
          commitId,
          started,
          spec,
          splitList,
          root,
          destinationStore,
          // Read through lakeFS, a source is never the destination store's to copy. An object
          // whose bytes are at its destination, or whose key held bytes lakeFS may read there,
          // goes whole to an executor too, whose copy finds it in place or refuses it.
          a ->
              (sourceMode != SourceMode.LAKEFS
                      && copiesServerSide(driverStorage, destinationStore, keys, a))
                  || (keys.mayHoldLakeFsData() && a.inPreviousCommit())
                  || ExportActions.inPlace(driverStorage, destinationStore, keys, a)
                  || (skipIdentical && identicalThere(destinationStore, keys, a)),
          jsc,
          group,
          lease);
    } finally {
      callers.forEach(jsc::setLocalProperty); // null removes one the caller had not set
    }
  }

  private ExportResult runRounds(
      LakeFsClient lakeFs,
      ExportMode mode,
      String branch,
      String previous,
      String commitId,
      Instant started,
      JobSpec spec,
      List<ListingSplit> splitList,
      Location root,
      ObjectStore destinationStore,
      Predicate<Action> copiedWhole,
      JavaSparkContext jsc,
      String group,
      DestinationLease lease) {
    var largeObjects = new LargeObjects(destinationStore, partSize, partitions);
    // On the Spark UI as tasks end; a task run again (a retry, a lost executor) counts again.
    var progress = ExportAccumulators.register(jsc.sc(), repository);
    var context =
        new PassContext(
            lakeFs,
            commitId,
            spec,
            splitList,
            destinationStore instanceof MultipartWritable,
            largeObjects,
            copiedWhole,
            jsc,
            group,
            progress,
            new RoundCounts());
    var rounds = new ArrayList<RoundSummary>();
    var failures = new ArrayList<ActionOutcome>();
    long omitted = 0;
    var planned = new ArrayList<PlanTotals.RoundTotals>();
    boolean failed = false;
    String error = "";
    // A diff removes its keys before it copies any, the last round's first, each round's deletes
    // after the round above them: a reader that waits for a later round's key (a Spark _SUCCESS
    // marker) must not find one over data that is being deleted, and on a filesystem a key that
    // turned from a file into a directory (a -> a/b), or back, needs the old name gone before the
    // new one is written. The rounds then run their copies, in order.
    boolean deletesFirst = !dryRun && mode == ExportMode.DIFF;
    var earlyDeletes = new RoundSummary[filter.rounds() + 1];
    var earlyPlanned = new PlanTotals.RoundTotals[filter.rounds() + 1];
    for (int r = filter.rounds(); deletesFirst && r >= 1 && !failed; r--) {
      if (lease.check().isPresent()) {
        failed = true;
        error = "round " + r + "'s deletes not started: " + lease.lost().orElseThrow();
        break;
      }
      Pass pass = runPass(r, Action.Kind.DELETE, context);
      earlyPlanned[r] = pass.planned();
      RoundSummary summary = merge(r, pass.outcomes(), pass.stopped() != null);
      omitted += keepFailures(pass.outcomes(), failures);
      // Round 1's keys that failed to go fail on their own: its copies still run, and the failures
      // stop the later rounds when round 1 ends.
      failed = pass.stopped() != null || summary.failed() > 0 && r > 1;
      if (pass.stopped() != null) {
        error = stopError(r, pass.stopped(), lease);
      }
      if (r > 1 && !failed) {
        // A later round's key the diff rewrites (a changed _SUCCESS marker) goes down too, not
        // counted as a delete: left up, it would stand over the data round 1 is rewriting.
        Pass down = takeDown(r, context);
        RoundSummary downed = merge(r, down.outcomes(), down.stopped() != null);
        omitted += keepFailures(down.outcomes(), failures);
        summary =
            summary.plus(new RoundSummary(r, downed.status(), 0, 0, downed.failed(), 0, Map.of()));
        failed = down.stopped() != null || downed.failed() > 0;
        if (down.stopped() != null) {
          error = stopError(r, down.stopped(), lease);
        }
      }
      earlyDeletes[r] = summary;
    }
    for (int round = 1; round <= filter.rounds(); round++) {
      RoundSummary early = earlyDeletes[round];
      if (!failed && lease != null && lease.check().isPresent()) {
        // Another export writes here now: this one's next round would write over its work.
        failed = true;
        error = "round " + round + " not started: " + lease.lost().orElseThrow();
      }
      if (failed) {
        if (earlyPlanned[round] != null) {
          planned.add(earlyPlanned[round]);
        }
        rounds.add(RoundSummary.skipped(round, early));
        continue;
      }
      int r = round;
      Pass pass = runPass(r, deletesFirst ? Action.Kind.COPY : null, context);
      PlanTotals.RoundTotals found = pass.planned();
      if (found != null) {
        PlanTotals.RoundTotals before = earlyPlanned[r];
        planned.add(
            before == null
                ? found
                : new PlanTotals.RoundTotals(
                    r,
                    before.copies() + found.copies(),
                    before.deletes() + found.deletes(),
                    before.bytes() + found.bytes()));
      }
      if (dryRun) {
        // The copies there already (when looked up), those that would fail, the bytes of the rest.
        RoundSummary looked = merge(r, pass.outcomes(), false);
        omitted += keepFailures(pass.outcomes(), failures);
        rounds.add(
            new RoundSummary(
                r,
                RoundSummary.Status.PLANNED,
                looked.copied(),
                found.deletes(),
                looked.failed(),
                looked.bytes(),
                looked.copiedBy()));
        continue;
      }
      Exception stopped = pass.stopped();
      RoundSummary summary = merge(r, pass.outcomes(), stopped != null);
      if (early != null) {
        summary = early.plus(summary);
      }
      omitted += keepFailures(pass.outcomes(), failures);
      rounds.add(summary);
      failed = stopped != null || summary.failed() > 0;
      if (stopped != null) {
        error = stopError(r, stopped, lease);
      }
    }
    var totals = new PlanTotals(planned);
    if (dryRun) {
      return result(
          mode,
          branch,
          previous,
          commitId,
          started,
          ExportResult.Status.PLANNED,
          rounds,
          failures,
          omitted,
          error,
          null,
          totals);
    }
    ExportResult result =
        result(
            mode,
            branch,
            previous,
            commitId,
            started,
            failed ? ExportResult.Status.FAILED : ExportResult.Status.SUCCEEDED,
            rounds,
            failures,
            omitted,
            error,
            null,
            totals);
    return lease.recordStatus(result, root, RetryPolicy.DEFAULT);
  }

  /** What every Spark pass of one export works with. */
  private record PassContext(
      LakeFsClient lakeFs,
      String commitId,
      JobSpec spec,
      List<ListingSplit> splits,
      boolean takesParts,
      LargeObjects largeObjects,
      Predicate<Action> copiedWhole,
      JavaSparkContext jsc,
      String group,
      ExportAccumulators progress,
      RoundCounts counted) {}

  /**
   * How many copies and deletes the export's first pass found in each round, and the sums of their
   * keys' fingerprints, for every later pass to check its own listing against: each pass lists the
   * commit again and asks the key filter again, and a filter that changed its mind would otherwise
   * drop an object, or copy it twice, without a word.
   */
  private static final class RoundCounts {
    private long[][] counts;

    boolean known() {
      return counts != null;
    }

    /**
     * Why the pass over round {@code round} ({@code only} its actions of that kind, if not null)
     * found other than counted, or empty.
     */
    String drift(
        int round,
        Action.Kind only,
        PlanTotals.RoundTotals found,
        long foundKeys,
        KeyFilter filter) {
      long[] c = counts[round - 1];
      long expected =
          (only == Action.Kind.DELETE ? 0 : c[0]) + (only == Action.Kind.COPY ? 0 : c[1]);
      long listed = found.copies() + found.deletes();
      if (listed != expected) {
        return ExportPlan.roundDrift(expected, listed, filter);
      }
      // As many keys, but maybe not the same: a filter that swapped two between rounds.
      long expectedKeys =
          (only == Action.Kind.DELETE ? 0 : c[2]) + (only == Action.Kind.COPY ? 0 : c[3]);
      return foundKeys == expectedKeys ? "" : ExportPlan.roundKeysDrift(listed, filter);
    }
  }

  /**
   * What one Spark pass over (part of) a round's actions did, and what it found to do.
   *
   * @param stopped what stopped a Spark job, else why a partition took no more actions, or null
   */
  private record Pass(
      List<PartitionOutcome> outcomes, Exception stopped, PlanTotals.RoundTotals planned) {
    Pass {
      if (stopped == null) {
        stopped =
            outcomes.stream()
                .map(PartitionOutcome::stopped)
                .filter(why -> !why.isEmpty())
                .findFirst()
                .map(StoppedOnExecutor::new)
                .orElse(null);
      }
    }
  }

  /** A partition that stopped on its executor, which ended its task with its counts. */
  private static final class StoppedOnExecutor extends Exception {
    private static final long serialVersionUID = 1L;

    StoppedOnExecutor(String why) {
      super(why, null, false, false);
    }
  }

  /** Progress not shown: a takedown's deletes are not the export's (Spark's UI counts those). */
  private static final class Untold implements ProgressListener, Serializable {
    private static final long serialVersionUID = 1L;
  }

  /**
   * Deletes the keys round {@code r}'s copies write again (held in the previous commit, changed
   * since), before round 1 runs: the pass of a diff's takedowns. A Spark job that fails stops it.
   */
  private Pass takeDown(int r, PassContext context) {
    JobSpec spec = context.spec();
    List<ListingSplit> splitList = context.splits();
    JavaSparkContext jsc = context.jsc();
    String group = context.group();
    jsc.setJobGroup(group, "lakeFS export of " + repository + " round " + r, true);
    var outcomes = new ArrayList<PartitionOutcome>();
    try {
      int failuresKept = ExecutorTasks.failuresPerPartition(splitList.size());
      JavaRDD<Action> rewritten =
          jsc.parallelize(splitList, splitList.size())
              .flatMap(split -> ExecutorTasks.list(spec, split, r))
              .filter(a -> a.round() == r && a.kind() == Action.Kind.COPY && a.inPreviousCommit());
      // Skipping identical objects, a key whose commit version is there already stays up.
      outcomes.addAll(
          (spec.skipIdentical()
                  ? rewritten.mapPartitions(
                      it -> ExecutorTasks.takeDown(spec, r, it, failuresKept, group))
                  : rewritten
                      .map(a -> Action.delete(a.path(), r))
                      .mapPartitions(
                          it -> ExecutorTasks.run(spec, r, it, failuresKept, new Untold(), group)))
              .collect());
    } catch (Exception e) {
      if (interruptedBy(e)) {
        jsc.cancelJobGroup(group);
        Thread.currentThread().interrupt();
      }
      return new Pass(outcomes, e, null);
    }
    return new Pass(outcomes, null, null);
  }

  /**
   * Lists and runs the actions of round {@code r}, only those of kind {@code only} when it is not
   * null. A dry run only counts them, and looks up the copies at the destination when it skips
   * identical objects. A Spark job that fails stops the pass: {@code stopped} says why.
   */
  private Pass runPass(int r, Action.Kind only, PassContext context) {
    String commitId = context.commitId();
    JobSpec spec = context.spec();
    List<ListingSplit> splitList = context.splits();
    JavaSparkContext jsc = context.jsc();
    String group = context.group();
    ExportAccumulators progress = context.progress();
    jsc.setJobGroup(group, "lakeFS export of " + repository + " round " + r, true);
    RoundCounts counted = context.counted();
    // The first pass keeps every round's actions, to count them all; the later ones only theirs.
    int rounds = filter.rounds();
    int listedRound = counted.known() ? r : 0;
    JavaRDD<Action> listed =
        jsc.parallelize(splitList, splitList.size())
            .flatMap(split -> ExecutorTasks.list(spec, split, listedRound))
            .persist(StorageLevel.MEMORY_AND_DISK_SER());
    JavaRDD<Action> actions =
        listed.filter(a -> a.round() == r && (only == null || a.kind() == only));
    var outcomes = new ArrayList<PartitionOutcome>();
    Exception stopped = null;
    PlanTotals.RoundTotals planned = null;
    try {
      if (!counted.known()) {
        counted.counts =
            listed
                .mapPartitions(
                    it -> {
                      // Per round: copies, deletes, and the sums of their keys' fingerprints.
                      var perRound = new long[rounds][4];
                      it.forEachRemaining(
                          a -> {
                            int kind = a.kind() == Action.Kind.COPY ? 0 : 1;
                            perRound[a.round() - 1][kind]++;
                            perRound[a.round() - 1][kind + 2] += ListingPass.fingerprint(a);
                          });
                      return List.<long[][]>of(perRound).iterator();
                    })
                .fold(new long[rounds][4], SparkExporter::sum);
      }
      long threshold = multipartThreshold;
      boolean split = !dryRun && context.takesParts();
      JavaRDD<Action> whole = split ? actions.filter(a -> !isLarge(a, threshold)) : actions;
      List<long[]> perPartition =
          actions
              .mapPartitions(
                  it -> {
                    long weight = 0;
                    long copies = 0;
                    long deletes = 0;
                    long bytes = 0;
                    long large = 0;
                    long keys = 0;
                    while (it.hasNext()) {
                      Action a = it.next();
                      weight += a.size() + OBJECT_OVERHEAD_BYTES;
                      keys += ListingPass.fingerprint(a);
                      if (a.kind() == Action.Kind.COPY) {
                        copies++;
                        bytes += a.size();
                        large += isLarge(a, threshold) ? 1 : 0;
                      } else {
                        deletes++;
                      }
                    }
                    return List.of(new long[] {weight, copies, deletes, bytes, large, keys})
                        .iterator();
                  })
              .collect();
      planned =
          new PlanTotals.RoundTotals(
              r,
              perPartition.stream().mapToLong(c -> c[1]).sum(),
              perPartition.stream().mapToLong(c -> c[2]).sum(),
              perPartition.stream().mapToLong(c -> c[3]).sum());
      long keys = perPartition.stream().mapToLong(c -> c[5]).sum();
      String drift = counted.drift(r, only, planned, keys, filter);
      if (!drift.isEmpty()) {
        throw new IllegalStateException(drift);
      }
      if (dryRun) {
        // Looked up at the destination, or only checked for what a run would refuse unsent.
        int failuresKept = ExecutorTasks.failuresPerPartition(actions.getNumPartitions());
        boolean lookUp = skipIdentical;
        outcomes.addAll(
            actions
                .filter(a -> a.kind() == Action.Kind.COPY)
                .mapPartitions(
                    it ->
                        lookUp
                            ? ExecutorTasks.look(spec, r, it, failuresKept)
                            : ExecutorTasks.check(spec, r, it, failuresKept))
                .collect());
        return new Pass(outcomes, null, planned);
      }
      long largeCount = split ? perPartition.stream().mapToLong(c -> c[4]).sum() : 0;
      List<long[]> wholeWeights =
          whole
              .mapPartitions(
                  it -> {
                    long weight = 0;
                    while (it.hasNext()) {
                      weight += it.next().size() + OBJECT_OVERHEAD_BYTES;
                    }
                    return List.of(new long[] {weight}).iterator();
                  })
              .collect();
      long total = wholeWeights.stream().mapToLong(c -> c[0]).sum();
      long[] offsets = new long[wholeWeights.size()];
      for (int i = 1; i < offsets.length; i++) {
        offsets[i] = offsets[i - 1] + wholeWeights.get(i - 1)[0];
      }
      int target = partitions;
      int failuresKept = ExecutorTasks.failuresPerPartition(target);
      long all = Math.max(1, total);
      outcomes.addAll(
          whole
              .mapPartitionsWithIndex(
                  // Keyed one by one as Spark pulls them: a split (one directory, perhaps
                  // most of the commit) is never held at once.
                  (index, it) -> new ByteOrderKeys(it, offsets[index], all, target), true)
              .mapToPair(t -> t)
              .partitionBy(new HashPartitioner(target))
              .values()
              .mapPartitions(it -> ExecutorTasks.run(spec, r, it, failuresKept, progress, group))
              .collect());
      // Not when a partition stopped for a server gone: each part would wait out its attempts.
      if (largeCount > 0 && outcomes.stream().allMatch(o -> o.stopped().isEmpty())) {
        outcomes.add(
            copyLarge(
                actions.filter(a -> isLarge(a, threshold)), largeCount, r, failuresKept, context));
      }
    } catch (Exception e) {
      boolean interrupted = interruptedBy(e);
      if (interrupted) {
        // The thread was interrupted: the export is cancelled. Its jobs are stopped (their
        // tasks interrupted), and the thread stays interrupted for its caller.
        jsc.cancelJobGroup(group);
        Thread.currentThread().interrupt();
        if (dryRun) {
          throw new ExportInterruptedException(
              "dry run of commit "
                  + commitId
                  + " of repository '"
                  + repository
                  + "' interrupted in round "
                  + r,
              e);
        }
      }
      // A Spark job that failed (a listing that broke off on an executor, lakeFS unreachable
      // from the cluster, a task failing past its retries) stops the round as the standalone
      // exporter's listing error does: what was done is counted and the status file says why.
      // Exception, not RuntimeException: Scala throws the checked SparkException undeclared.
      if (dryRun) {
        throw new ExportException(
            "dry run of commit "
                + commitId
                + " of repository '"
                + repository
                + "': round "
                + r
                + " stopped: "
                + describe(e),
            e);
      }
      stopped = e;
    } finally {
      unpersist(listed);
    }
    return new Pass(outcomes, stopped, planned);
  }

  private static long[][] sum(long[][] a, long[][] b) {
    var sum = new long[a.length][];
    for (int i = 0; i < a.length; i++) {
      sum[i] = new long[a[i].length];
      for (int j = 0; j < a[i].length; j++) {
        sum[i][j] = a[i][j] + b[i][j];
      }
    }
    return sum;
  }

  /**
   * Copies the round's large objects, {@code count} of them, in batches of at most {@link
   * LargeObjects#MAX_OBJECTS_PER_JOB}: the driver fetches them a slice at a time (never the whole
   * list, which grows with the commit), and folds what each batch did into one outcome.
   *
   * <p>Large objects the destination copies server-side (UploadPartCopy, rewrite, a file copy) are
   * copied by executors whole, as the standalone engine does, never read and written in parts. An
   * object without its entry (a diff's) cannot be placed here: parts it is, unless its destination
   * may hold bytes lakeFS reads, which an executor's whole copy checks first (so do objects whose
   * bytes are at their destination already: an executor finds them in place).
   */
  private PartitionOutcome copyLarge(
      JavaRDD<Action> large, long count, int r, int failuresKept, PassContext context) {
    int batchSize = LargeObjects.MAX_OBJECTS_PER_JOB;
    // Slices of about a batch each, so that the driver holds one batch's actions at a time.
    int slices =
        (int) Math.max(1, Math.min(Integer.MAX_VALUE, (count + batchSize - 1) / batchSize));
    Iterator<Action> it = large.repartition(slices).toLocalIterator();
    var whole = new ArrayList<Action>();
    var inParts = new ArrayList<Action>();
    PartitionOutcome sum = PartitionOutcome.NONE;
    // A batch that stopped (a server the export needs gone) ends the round's large objects.
    while (it.hasNext() && sum.stopped().isEmpty()) {
      Action a = it.next();
      (context.copiedWhole().test(a) ? whole : inParts).add(a);
      if (whole.size() >= batchSize) {
        sum = sum.plus(copyWhole(whole, r, failuresKept, context), failuresKept);
        whole.clear();
      }
      if (inParts.size() >= batchSize) {
        sum = sum.plus(copyInParts(inParts, r, failuresKept, context), failuresKept);
        inParts.clear();
      }
    }
    if (!whole.isEmpty() && sum.stopped().isEmpty()) {
      sum = sum.plus(copyWhole(whole, r, failuresKept, context), failuresKept);
    }
    if (!inParts.isEmpty() && sum.stopped().isEmpty()) {
      sum = sum.plus(copyInParts(inParts, r, failuresKept, context), failuresKept);
    }
    return sum;
  }

  /** Large objects copied whole by executors (server-side, or found in place), one Spark job. */
  private PartitionOutcome copyWhole(
      List<Action> batch, int r, int failuresKept, PassContext context) {
    JobSpec spec = context.spec();
    ExportAccumulators progress = context.progress();
    String group = context.group();
    List<PartitionOutcome> done =
        context
            .jsc()
            .parallelize(List.copyOf(batch), Math.min(batch.size(), partitions))
            .mapPartitions(it -> ExecutorTasks.run(spec, r, it, failuresKept, progress, group))
            .collect();
    PartitionOutcome sum = PartitionOutcome.NONE;
    for (PartitionOutcome o : done) {
      sum = sum.plus(o, failuresKept);
    }
    return sum;
  }

  /** Large objects copied part by part across executors. */
  private PartitionOutcome copyInParts(
      List<Action> batch, int r, int failuresKept, PassContext context) {
    PartitionOutcome outcome =
        context
            .largeObjects()
            .copy(
                context.jsc(),
                context.spec(),
                r,
                List.copyOf(batch).iterator(),
                context.lakeFs(),
                failuresKept);
    context.progress().add(outcome);
    return outcome;
  }

  /** Keeps the failures of {@code outcomes} up to the status file's limit; returns those left. */
  private static long keepFailures(List<PartitionOutcome> outcomes, List<ActionOutcome> failures) {
    long omitted = 0;
    for (PartitionOutcome o : outcomes) {
      for (ActionOutcome f : o.failures()) {
        if (failures.size() < RoundTally.MAX_FAILURES) {
          failures.add(f);
        } else {
          omitted++;
        }
      }
      omitted += o.failuresOmitted();
    }
    return omitted;
  }

  /**
   * The destination as executors are to parse it: a filesystem path made absolute here, since a
   * relative one would resolve against each executor's working directory (on a cluster, a scratch
   * directory Spark deletes with the application) while the driver checked, and writes the status
   * file under, its own. Other locations as given: their text may carry what parsing drops.
   */
  static String forExecutors(Location root, String destination) {
    return root.scheme().equals("file") ? root.toPath().toString() : destination;
  }

  /**
   * Why round {@code round} stopped: another export took the destination over from {@code lease}
   * (whose loss cancelled the job), or what stopped the job.
   */
  private static String stopError(int round, Exception stopped, DestinationLease lease) {
    Optional<String> lost = lease == null ? Optional.empty() : lease.lost();
    return lost.map(why -> "round " + round + " stopped: " + why)
        .orElseGet(() -> stopError(round, stopped));
  }

  private static String stopError(int round, Exception stopped) {
    return "round "
        + round
        + " stopped: "
        + (interruptedBy(stopped) ? "the export was interrupted" : describe(stopped));
  }

  /**
   * Whether executors will copy {@code action} server-side, as the core engine decides under the
   * auto source mode: the destination copies from where the object is read directly.
   */
  static boolean copiesServerSide(
      StorageRegistry storage, ObjectStore destination, DestinationKeys keys, Action action) {
    if (action.source() == null || !(destination instanceof ServerSideCopyable copier)) {
      return false;
    }
    Optional<Location> source =
        ExportActions.directlyReadable(storage, action.source().physicalAddress());
    try {
      return source.isPresent()
          && copier.canCopyServerSide(source.get(), keys.resolve(action.path(), destination));
    } catch (DestinationKeys.InvalidKeyException e) {
      return false; // the key's failure is reported where it is copied
    }
  }

  /**
   * Whether a large object of an export that skips identical objects is at its destination already:
   * it then goes whole to an executor, whose copy finds it there, rather than into a multipart
   * upload that would write it again. A destination that cannot be asked here leaves it to the
   * parts, whose copy reports what fails.
   */
  private static boolean identicalThere(ObjectStore destination, DestinationKeys keys, Action a) {
    if (a.source() == null) {
      return false;
    }
    try {
      Location target = keys.resolve(a.path(), destination);
      return RetryPolicy.DEFAULT
          .run(() -> IdenticalObject.isAt(destination, target, a.source()))
          .value();
    } catch (DestinationKeys.InvalidKeyException | IOException e) {
      return false;
    }
  }

  /**
   * Each action's place in the byte order of the whole round picks its partition, so that every
   * partition gets an equal share of bytes; static, so that Spark ships no more than its fields.
   */
  private static final class ByteOrderKeys implements Iterator<Tuple2<Integer, Action>> {
    private final Iterator<Action> actions;
    private final long all;
    private final int partitions;
    private long offset;

    ByteOrderKeys(Iterator<Action> actions, long offset, long all, int partitions) {
      this.actions = actions;
      this.offset = offset;
      this.all = all;
      this.partitions = partitions;
    }

    @Override
    public boolean hasNext() {
      return actions.hasNext();
    }

    @Override
    public Tuple2<Integer, Action> next() {
      Action a = actions.next();
      int p = (int) Math.min(partitions - 1, (long) ((double) offset / all * partitions));
      offset += a.size() + OBJECT_OVERHEAD_BYTES;
      return new Tuple2<>(p, a);
    }
  }

  /** Objects copied as part tasks spread over executors, when the destination takes parts. */
  static boolean isLarge(Action a, long threshold) {
    return a.kind() == Action.Kind.COPY && a.size() >= threshold;
  }

  /**
   * Drops a round's cached listing. Spark asks its block managers even when not waiting for them,
   * which an interrupted thread cannot do: the flag is cleared meanwhile and set again.
   */
  private static void unpersist(JavaRDD<Action> actions) {
    boolean interrupted = Thread.interrupted();
    try {
      actions.unpersist(false);
    } catch (Exception e) {
      // The blocks go with the Spark context; nothing the export reports depends on them.
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Whether a job stopped because the driver thread was interrupted: Spark rethrows the interrupt
   * undeclared, or it shows as the thread's flag or somewhere in the causes.
   */
  private static boolean interruptedBy(Throwable e) {
    if (Thread.currentThread().isInterrupted()) {
      return true;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InterruptedException || t instanceof InterruptedIOException) {
        return true;
      }
    }
    return false;
  }

  /**
   * What stopped a Spark job, in one line: the executor's own exception where Spark kept it (a
   * SparkException's message carries the remote stack trace), or the first line of Spark's message.
   */
  static String describe(Throwable e) {
    Throwable cause = e;
    // An executor's round that stopped is this round, which the caller names already.
    while ((cause instanceof SparkException || cause instanceof LocalExecutor.RoundStoppedException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    String message = cause.getMessage();
    if (message == null || message.isBlank()) {
      return cause.getClass().getSimpleName();
    }
    return message.lines().findFirst().orElse(message).strip();
  }

  private static void closeQuietly(StorageRegistry storage) {
    try {
      storage.close();
    } catch (IOException e) {
      // the export's outcome is already decided; a client that closes badly changes nothing
    }
  }

  private static RoundSummary merge(int round, List<PartitionOutcome> outcomes, boolean stopped) {
    long copied = 0;
    long deleted = 0;
    long failed = 0;
    long bytes = 0;
    var by = new EnumMap<CopyStrategy, Long>(CopyStrategy.class);
    for (PartitionOutcome o : outcomes) {
      copied += o.copied();
      deleted += o.deleted();
      failed += o.failed();
      bytes += o.bytes();
      o.copiedBy().forEach((strategy, n) -> by.merge(strategy, n, Long::sum));
    }
    return new RoundSummary(
        round,
        failed == 0 && !stopped ? RoundSummary.Status.SUCCEEDED : RoundSummary.Status.FAILED,
        copied,
        deleted,
        failed,
        bytes,
        by);
  }

  private ExportResult result(
      ExportMode mode,
      String branch,
      String previous,
      String commitId,
      Instant started,
      ExportResult.Status status,
      List<RoundSummary> rounds,
      List<ActionOutcome> failures,
      long omitted,
      String error,
      String statusFile,
      PlanTotals totals) {
    return new ExportResult(
        status,
        repository,
        mode,
        branch,
        previous,
        commitId,
        Location.parse(destination).toString(),
        started,
        Instant.now(),
        rounds,
        failures,
        omitted,
        error,
        statusFile,
        totals,
        Version.get());
  }

  /** Options; the same as the standalone exporter's. */
  public static final class Builder {
    private SparkSession spark;
    private LakeFsConfig lakeFs;
    private String repository;
    private String destination;
    private KeyFilter filter = new SparkFilter();
    private int concurrency = 16;
    private long partSize = CopySettings.DEFAULT_PART_SIZE;
    private long multipartThreshold = CopySettings.DEFAULT_MULTIPART_THRESHOLD;
    private boolean dryRun;
    private boolean skipIdentical;
    private boolean checkPreviousExport = true;
    private SourceMode sourceMode = SourceMode.AUTO;
    private Map<String, String> settings = new LinkedHashMap<>();
    private boolean settingsFromHadoop;
    private int partitions;

    private Builder() {}

    public Builder spark(SparkSession spark) {
      this.spark = spark;
      return this;
    }

    public Builder lakeFs(LakeFsConfig lakeFs) {
      this.lakeFs = lakeFs;
      return this;
    }

    /**
     * lakeFS and storage settings from the session's Hadoop configuration ({@code
     * spark.hadoop.lakefs.api.*}, {@code spark.hadoop.fs.s3a.*}...), then the LAKECTL_* variables
     * and ~/.lakectl.yaml. Spark's UI redacts these keys (secret, access key).
     */
    public Builder fromHadoopConfiguration() {
      if (spark == null) {
        throw new IllegalStateException(
            "fromHadoopConfiguration() reads the session's configuration: call spark(...) first");
      }
      Map<String, String> hadoop = new LinkedHashMap<>();
      spark.sparkContext().hadoopConfiguration().forEach(e -> hadoop.put(e.getKey(), e.getValue()));
      this.lakeFs =
          LakeFsConfig.resolve(
              LakeFsConfig.builder(), hadoop, System.getenv(), LakeFsConfig.defaultLakectlFile());
      this.settings = hadoop;
      this.settingsFromHadoop = true;
      return this;
    }

    public Builder repository(String repository) {
      this.repository = repository;
      return this;
    }

    public Builder destination(String destination) {
      this.destination = destination;
      return this;
    }

    public Builder keyFilter(KeyFilter filter) {
      this.filter = Objects.requireNonNull(filter, "filter is null");
      return this;
    }

    /** Objects copied at once in each task. */
    public Builder concurrency(int concurrency) {
      this.concurrency = OptionChecks.concurrency(concurrency);
      return this;
    }

    public Builder partSize(long partSize) {
      this.partSize = OptionChecks.partSize(partSize);
      return this;
    }

    public Builder multipartThreshold(long bytes) {
      this.multipartThreshold = OptionChecks.multipartThreshold(bytes);
      return this;
    }

    /**
     * Plan only: count objects and bytes per round, write nothing; with {@link #skipIdentical}, the
     * executors look each copy up at the destination, as the standalone exporter's dry run does.
     */
    public Builder dryRun(boolean dryRun) {
      this.dryRun = dryRun;
      return this;
    }

    /**
     * Whether to leave an object the destination holds already, byte for byte, instead of copying
     * it again; off by default. As the standalone exporter's {@code skipIdentical}: each executor
     * asks the destination about the objects it copies, the driver about large ones.
     */
    public Builder skipIdentical(boolean enabled) {
      this.skipIdentical = enabled;
      return this;
    }

    /**
     * Whether a diff first makes sure the destination holds the export of the commit it starts
     * from; on by default. As the standalone exporter's {@code checkPreviousExport}: the newest
     * status file at the root must be that commit's {@code SUCCESS}, the HEAD's own, or a failed
     * diff from the same commit; otherwise the diff is refused with {@link
     * io.lakeexporter.PreviousExportMissingException} before anything is written.
     */
    public Builder checkPreviousExport(boolean enabled) {
      this.checkPreviousExport = enabled;
      return this;
    }

    /**
     * How executors read sources: {@code auto} (the default), {@code direct} or {@code lakefs}. Not
     * {@code presigned}: URLs presigned when a split is listed could expire before the copy stage
     * reaches them; {@code lakefs} also reads without storage credentials.
     */
    public Builder sourceMode(SourceMode sourceMode) {
      Objects.requireNonNull(sourceMode, "sourceMode is null");
      if (sourceMode == SourceMode.PRESIGNED) {
        throw new InvalidExportException(
            "the presigned source mode is not offered on Spark: URLs presigned as a split is listed"
                + " could expire before its copies run; the lakefs source mode also reads without"
                + " storage credentials");
      }
      this.sourceMode = sourceMode;
      return this;
    }

    /** Storage settings for executors and the driver (S3, Azure, GCS keys). */
    public Builder storageSettings(Map<String, String> settings) {
      this.settings = new LinkedHashMap<>(settings);
      this.settingsFromHadoop = false;
      return this;
    }

    /** Partitions per round; 0, the default, takes Spark's default parallelism. */
    public Builder partitions(int partitions) {
      if (partitions < 0) {
        throw new InvalidExportException(
            "partitions must be positive (or 0: Spark's default parallelism), not " + partitions);
      }
      this.partitions = partitions;
      return this;
    }

    /**
     * An exporter with these options; the destination's store is checked now, lakeFS when it
     * exports.
     *
     * @throws InvalidExportException naming everything required that is missing (Spark, lakeFS,
     *     repository, destination), or, as the standalone exporter's builder, a blank repository, a
     *     key filter without rounds, an unknown storage setting; and a key filter that does not
     *     serialize
     */
    public SparkExporter build() {
      var missing = new ArrayList<String>();
      if (spark == null) {
        missing.add("Spark (Builder.spark)");
      }
      if (lakeFs == null) {
        missing.add("lakeFS (Builder.lakeFs or Builder.fromHadoopConfiguration)");
      }
      if (repository == null) {
        missing.add("repository (Builder.repository)");
      }
      if (destination == null) {
        missing.add("destination root (Builder.destination)");
      }
      OptionChecks.nothingMissing(missing);
      return new SparkExporter(this);
    }
  }
}
