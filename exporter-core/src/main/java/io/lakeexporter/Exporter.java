package io.lakeexporter;

import io.lakeexporter.copy.CopyEngine;
import io.lakeexporter.copy.CopySettings;
import io.lakeexporter.copy.DestinationListing;
import io.lakeexporter.copy.IdenticalObject;
import io.lakeexporter.copy.RetryPolicy;
import io.lakeexporter.exec.ActionHandler;
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
import io.lakeexporter.report.GuardedListener;
import io.lakeexporter.report.GuardedListener.ListenerFailedException;
import io.lakeexporter.report.PlanTotals;
import io.lakeexporter.report.Printable;
import io.lakeexporter.report.ProgressListener;
import io.lakeexporter.report.RoundSummary;
import io.lakeexporter.report.RoundTally;
import io.lakeexporter.source.LakeFsClient;
import io.lakeexporter.source.LakeFsConfig;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.StorageRegistry;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.storage.http.HttpReadStore;
import io.lakeexporter.storage.http.HttpStorageProvider;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports the objects of a lakeFS commit to a destination root, in rounds, and leaves a status file
 * there.
 *
 * <pre>{@code
 * try (Exporter exporter = Exporter.builder()
 *         .lakeFs(config)
 *         .repository("analytics")
 *         .destination("s3://bucket/export/latest/")
 *         .build()) {
 *   ExportResult result = exporter.exportAllFromBranch("main");
 * }
 * }</pre>
 *
 * <p>Closing an exporter closes what it created: the lakeFS client it built from a {@link
 * LakeFsConfig}, and the stores it built when no {@link StorageRegistry} was given. A {@link
 * LakeFsClient} or a registry passed to the builder belongs to the caller, who closes it after the
 * exporters that use it:
 *
 * <pre>{@code
 * try (LakeFsClient lakeFs = LakeFsClient.create(config);
 *     Exporter exporter = Exporter.builder().lakeFs(lakeFs)...build()) {
 *   ...
 * }
 * }</pre>
 *
 * <p>An export whose actions fail returns a {@link ExportResult.Status#FAILED} result (and leaves
 * {@code EXPORT_<commit>_FAILURE} listing every failure); a request that cannot start (unknown
 * repository or ref, bad credentials, an unusable destination) throws an {@link ExportException}: a
 * destination no export could write to (a read-only store, a local path that is a file or goes
 * through one, a directory that cannot be made) is refused with {@link InvalidExportException}
 * before anything is copied. An export that ran but could not write its status file throws {@link
 * StatusFileNotWrittenException}, which carries the result. An exporter may run several exports,
 * one after another or at once.
 *
 * <p>Interrupting the thread that runs an export cancels it: no new action starts, and those under
 * way end and are counted, except copies in parts (large objects), which stop after the parts being
 * written, abort their uploads and fail. The result is {@code FAILED} with what was done and an
 * error saying it was interrupted; the thread stays interrupted. An export interrupted before it
 * started anything throws {@link ExportInterruptedException}.
 */
public final class Exporter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Exporter.class);

  /**
   * Actions of the rounds after the first kept from the first round's pass (a few MiB at most);
   * past this the later rounds are listed again.
   */
  private static final int KEPT_LATER_ACTIONS = 10_000;

  /**
   * Copies in a round from which an export that skips identical objects lists the destination
   * beside it rather than asking about each object: a listing page holds a thousand keys, so below
   * that a round's stats cost no more than the pages a listing of the whole destination would.
   */
  static final long LISTED_FROM = 1_000;

  private final LakeFsClient lakeFs;
  private final boolean ownsLakeFs;
  private final String repository;
  private final Location root;
  private final KeyFilter filter;
  private final int concurrency;
  private final CopySettings copySettings;
  private final boolean dryRun;
  private final boolean countFirst;
  private final boolean checkPreviousExport;
  private final SourceMode sourceMode;
  private final StorageRegistry storage;
  private final ProgressListener listener;
  private final boolean ownsStorage;
  private volatile boolean closed;

  private Exporter(Builder b) {
    this.repository = Objects.requireNonNull(b.repository, "repository is null");
    this.root = Objects.requireNonNull(b.destination, "destination is null");
    this.filter = b.filter;
    this.concurrency = b.concurrency;
    this.copySettings =
        new CopySettings(
            b.partSize, b.multipartThreshold, b.retry, b.serverSideCopy, b.skipIdentical);
    this.dryRun = b.dryRun;
    this.countFirst = b.countFirst;
    this.checkPreviousExport = b.checkPreviousExport;
    this.sourceMode = b.sourceMode;
    this.listener = GuardedListener.of(b.listener);
    OptionChecks.name(repository, "repository name");
    OptionChecks.keyFilter(filter);
    // Built only once nothing above can refuse the options, so that a refusal leaks nothing.
    this.ownsStorage = b.storage == null;
    this.storage = b.storage != null ? b.storage : StorageRegistry.discover(b.storageSettings);
    // A misspelt key would otherwise be ignored: s3.endpont sends the export to AWS.
    List<String> unknown = storage.unknownSettings();
    if (!unknown.isEmpty()) {
      throw new InvalidExportException(String.join("; ", unknown));
    }
    storage.settingsNearMisses().forEach(LOG::warn);
    this.ownsLakeFs = b.lakeFs == null;
    this.lakeFs = b.lakeFs != null ? b.lakeFs : LakeFsClient.create(b.lakeFsConfig);
  }

  /** A builder; lakeFS, the repository and the destination root are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Every object at the HEAD commit of {@code branch}; uncommitted changes are not exported. */
  public ExportResult exportAllFromBranch(String branch) {
    requireOpen();
    OptionChecks.name(branch, "branch");
    String commitId = lakeFs.resolveBranch(repository, branch);
    return run(
        ExportPlan.full(
            lakeFs, ExportMode.BRANCH, repository, branch, commitId, filter, presign()));
  }

  /** Every object of {@code commitId} (a full id or a unique prefix). */
  public ExportResult exportAllFromCommit(String commitId) {
    requireOpen();
    OptionChecks.name(commitId, "commit id");
    String id = lakeFs.commit(repository, commitId).id();
    return run(ExportPlan.full(lakeFs, ExportMode.COMMIT, repository, null, id, filter, presign()));
  }

  /**
   * What changed between {@code prevCommitId} and the HEAD of {@code branch}: copies of added and
   * changed objects, deletes of removed ones. Every removed key is deleted before the first copy,
   * the last round's first, so that a removed table's marker goes before its data, and a key that
   * turned from a file into a directory's name, or back, is free when its copy comes.
   *
   * @throws PreviousExportMissingException when the destination's status files show it does not
   *     hold the export of {@code prevCommitId} ({@link Builder#checkPreviousExport})
   */
  public ExportResult exportFrom(String branch, String prevCommitId) {
    requireOpen();
    OptionChecks.name(branch, "branch");
    OptionChecks.name(prevCommitId, "previous commit id");
    String commitId = lakeFs.resolveBranch(repository, branch);
    String previous = lakeFs.previousCommit(repository, prevCommitId).id();
    return run(ExportPlan.diff(lakeFs, repository, branch, previous, commitId, filter));
  }

  /**
   * Runs any plan; the three export methods end here. The plan's sources are read from this
   * exporter's repository, which the status file names. Not public: plans are the engine's own.
   *
   * @throws InvalidExportException for a plan of another repository
   */
  ExportResult run(ExportPlan plan) {
    requireOpen();
    if (!plan.repository().equals(repository)) {
      throw new InvalidExportException(
          "a plan of repository '"
              + plan.repository()
              + "' given to the exporter of repository '"
              + repository
              + "': its status file would name the wrong one");
    }
    Instant started = Instant.now();
    requireNotInterrupted(plan, "before it started");
    DestinationKeys keys = NamespaceCheck.keys(lakeFs, repository, storage, root);
    boolean checked = plan.mode() == ExportMode.DIFF && checkPreviousExport;
    if (checked && !dryRun) {
      DestinationCheck.refuseDiffStartEarly(
          storage,
          root,
          repository,
          plan.previousCommitId(),
          plan.commitId(),
          copySettings.retry());
    }
    // Refused now rather than after every copy has failed, which would leave no report either.
    RunRefusals refusals = dryRun ? new RunRefusals() : null;
    ObjectStore destination =
        dryRun
            ? DestinationCheck.storeForDryRun(storage, root, copySettings.retry(), refusals)
            : DestinationCheck.usableStore(storage, root, copySettings.retry());
    // A store that did not answer may have held the interrupt back, which lakeFS's next answer
    // would then be blamed for.
    requireNotInterrupted(plan, "while checking the destination");
    LOG.info(
        "exporting commit {} of repository '{}' to {} in {} rounds{}",
        plan.commitId(),
        repository,
        root,
        plan.rounds(),
        dryRun
            ? copySettings.skipIdentical()
                ? " (dry run, looking for identical objects)"
                : " (dry run)"
            : copySettings.skipIdentical() ? " (skipping objects identical there already)" : "");
    DestinationLease lease =
        dryRun
            ? null
            : DestinationLease.take(
                destination, root, repository, plan.commitId(), copySettings.retry());
    try {
      // For a run under the lease: no other export changes the status files meanwhile.
      List<String> stopped =
          checked
              ? DestinationCheck.diffStarts(
                  destination,
                  root,
                  repository,
                  plan.previousCommitId(),
                  plan.commitId(),
                  lease,
                  copySettings.retry(),
                  refusals)
              : List.of();
      ExportPlan toRun =
          stopped.isEmpty()
              ? plan
              : ExportPlan.diff(
                  lakeFs,
                  repository,
                  plan.branch(),
                  plan.previousCommitId(),
                  plan.commitId(),
                  plan.filter(),
                  stopped);
      if (!dryRun) {
        return runHolding(toRun, started, keys, destination, lease);
      }
      DestinationLease.heldByAnother(destination, root).ifPresent(refusals::add);
      return runHolding(toRun, started, keys, destination, null).withRefusals(refusals);
    } finally {
      if (lease != null) {
        lease.close();
      }
    }
  }

  /** The export {@link #run} starts, {@code lease} held ({@code null} for a dry run). */
  private ExportResult runHolding(
      ExportPlan plan,
      Instant started,
      DestinationKeys keys,
      ObjectStore destination,
      DestinationLease lease) {
    PlanTotals totals = null;
    ListingPass counting = null;
    var dryRunFailures = new RoundTally.FailureLog();
    // A dry run that looks nothing up still finds the copies a run would refuse unsent.
    UnsentChecks unsent =
        dryRun && !copySettings.skipIdentical()
            ? new UnsentChecks(destination, keys, plan.rounds(), dryRunFailures)
            : null;
    if (countFirst || dryRun) {
      try {
        // A run's later rounds come from this pass, as they would from round 1's.
        counting =
            ListingPass.over(
                plan.rounds(),
                dryRun || presign() ? 0 : KEPT_LATER_ACTIONS,
                unsent == null ? plan.actions() : plan.actions().peek(unsent));
        totals = counting.totals();
      } catch (ExportInterruptedException e) {
        throw e; // nothing was done
      } catch (RuntimeException e) {
        // A listing that broke off, or a key filter that put a key outside its rounds: the
        // same FAILED result and failure file as when round 1's own listing meets it.
        String error = "round 1 stopped: " + Printable.said(e);
        if (dryRun) {
          throw e instanceof ExportException exportError
              ? exportError
              : new ExportException("dry run of commit " + plan.commitId() + ": " + error, e);
        }
        logStop(plan, 1, e);
        var rounds = new ArrayList<RoundSummary>();
        rounds.add(new RoundSummary(1, RoundSummary.Status.FAILED, 0, 0, 0, 0, Map.of()));
        for (int round = 2; round <= plan.rounds(); round++) {
          rounds.add(RoundSummary.skipped(round));
        }
        return lease.recordStatus(
            result(
                plan,
                ExportResult.Status.FAILED,
                started,
                rounds,
                new RoundTally.FailureLog(),
                error,
                "",
                null),
            root,
            copySettings.retry());
      }
    }
    PlanTotals countedFirst = totals;
    String listenerError = totals == null ? "" : tell(() -> listener.planned(countedFirst));
    if (dryRun) {
      if (!listenerError.isEmpty()) {
        throw new ExportException("dry run of commit " + plan.commitId() + ": " + listenerError);
      }
      List<RoundSummary> rounds =
          unsent == null
              ? lookedAt(plan, totals, destination, keys, dryRunFailures)
              : unsent.rounds(totals);
      return result(
          plan, ExportResult.Status.PLANNED, started, rounds, dryRunFailures, "", null, totals);
    }
    var failures = new RoundTally.FailureLog();
    PlanTotals known = totals;
    // The pass that counted the rounds: each later listing of a round must hold its very keys.
    ListingPass knownKeys = counting;
    var rounds = new ArrayList<RoundSummary>();
    // A listener that failed on the counted plan ends the export before round 1.
    String error = listenerError;
    boolean failed = !listenerError.isEmpty();
    try (var executor = new LocalExecutor(concurrency);
        var presigned = HttpStorageProvider.reader(storage.settings())) {
      var listing = copySettings.skipIdentical() ? new DestinationListing(destination, keys) : null;
      var actions = actionsOf(plan, destination, keys, executor, presigned, listing);
      // A diff removes its keys before it copies any, the last round's first, each round's
      // deletes after the round above them: a reader that waits for a later round's key (a Spark
      // _SUCCESS marker) must not find one over data that is being deleted, and on a filesystem a
      // key that turned from a file into a directory (a -> a/b), or back, needs the old name gone
      // before the new one is written. The rounds then run their copies, in order.
      boolean deletesFirst = plan.mode() == ExportMode.DIFF;
      var earlyDeletes = new RoundSummary[plan.rounds() + 1];
      for (int round = plan.rounds(); deletesFirst && round >= 1 && !failed; round--) {
        if (lease.check().isPresent()) {
          failed = true;
          error = "round " + round + "'s deletes not started: " + lease.lost().orElseThrow();
          break;
        }
        // A later round's key the diff rewrites (a changed _SUCCESS marker) goes down here too:
        // left up, it would stand over the data round 1 is rewriting under it.
        boolean takesDown =
            round > 1 && (known == null || known.rounds().get(round - 1).copies() > 0);
        if (known != null && known.rounds().get(round - 1).deletes() == 0 && !takesDown) {
          continue;
        }
        int later = round;
        String heard = tell(() -> listener.roundStarted(later));
        if (!heard.isEmpty()) {
          failed = true;
          error = heard;
          break;
        }
        LOG.info("round {} of {}: deletes first", round, plan.rounds());
        Step deleted =
            runStep(
                plan,
                round,
                executor,
                actions,
                failures,
                lease.whileHeld(() -> deletesOf(plan, later)),
                listener);
        Step step = deleted;
        if (takesDown && !deleted.stopped()) {
          // Not counted as deletes, nor shown as progress: round N writes each key again. Only a
          // takedown that failed is told, as a failure of the round.
          // Skipping identical objects, a key whose commit version is there already stays up.
          boolean keep = copySettings.skipIdentical();
          Step down =
              runStep(
                  plan,
                  round,
                  executor,
                  keep ? actions.takingDownUnlessThere() : actions,
                  failures,
                  lease.whileHeld(() -> rewrittenLater(plan, later, keep)),
                  ProgressListener.NONE);
          RoundSummary downed = down.summary();
          step =
              new Step(
                  deleted
                      .summary()
                      .plus(
                          new RoundSummary(
                              round, downed.status(), 0, 0, downed.failed(), 0, Map.of())),
                  down.stopped(),
                  down.error());
        }
        earlyDeletes[round] = step.summary();
        // Round 1's keys that failed to go fail on their own: its copies still run, as they would
        // beside them, and the failures stop the later rounds when round 1 ends.
        if (step.stopped() || step.failed() && round > 1) {
          failed = true;
          error = step.error();
          RoundSummary stopped = step.summary();
          tell(() -> listener.roundFinished(stopped));
        }
      }
      // How many actions each round holds, once a pass over the whole listing has told: the
      // counting pass, or the first round's, which sees every action to pick its own. A round
      // known to be empty is not listed again, nor are later rounds whose actions that pass kept.
      ListingPass firstPass = counting;
      for (int round = 1; round <= plan.rounds(); round++) {
        RoundSummary early = earlyDeletes[round];
        if (!failed && lease.check().isPresent()) {
          // Another export writes here now: this one's next round would write over its work.
          failed = true;
          error = "round " + round + " not started: " + lease.lost().orElseThrow();
        }
        if (failed) {
          rounds.add(RoundSummary.skipped(round, early));
          continue;
        }
        int current = round;
        String heard = tell(() -> listener.roundStarted(current));
        if (!heard.isEmpty()) {
          failed = true;
          error = heard;
          rounds.add(
              early == null
                  ? new RoundSummary(round, RoundSummary.Status.FAILED, 0, 0, 0, 0, Map.of())
                  : early.withStatus(RoundSummary.Status.FAILED));
          continue;
        }
        LOG.info("round {} of {} started", round, plan.rounds());
        boolean copiesOnly = deletesFirst;
        if (known == null) {
          // Presigned URLs are kept out: they could expire while the first round runs.
          firstPass = new ListingPass(plan.rounds(), presign() ? 0 : KEPT_LATER_ACTIONS);
        }
        PlanTotals counted = known;
        ListingPass countedKeys = knownKeys;
        ListingPass pass = firstPass;
        var listed = new AtomicLong();
        var listedKeys = new AtomicLong();
        Step step =
            runStep(
                plan,
                round,
                executor,
                actions,
                failures,
                lease.whileHeld(
                    () -> {
                      Stream<Action> all;
                      if (counted == null) {
                        // Every action is counted, those of the deletes that ran first too.
                        return besideTheDestination(
                            listing,
                            null,
                            plan.actions()
                                .peek(pass)
                                .filter(a -> a.round() == current)
                                .filter(a -> !copiesOnly || a.kind() == Action.Kind.COPY));
                      } else if (isEmpty(counted, current, copiesOnly)) {
                        return Stream.empty();
                      } else if (current > 1 && pass != null && pass.keptLaterRounds()) {
                        all = pass.keptActionsOfRound(current);
                      } else {
                        all = plan.actionsOfRound(current);
                      }
                      return besideTheDestination(
                          listing,
                          counted.rounds().get(current - 1),
                          (copiesOnly ? all.filter(a -> a.kind() == Action.Kind.COPY) : all)
                              .peek(
                                  a -> {
                                    listed.incrementAndGet();
                                    listedKeys.addAndGet(ListingPass.fingerprint(a));
                                  }));
                    }));
        if (known == null && !step.stopped()) {
          known = firstPass.totals();
          knownKeys = firstPass;
        }
        String drift =
            counted == null || step.failed()
                ? ""
                : drift(
                    counted,
                    round,
                    copiesOnly,
                    listed.get(),
                    countedKeys.keysOf(round, copiesOnly) != listedKeys.get(),
                    plan.filter());
        RoundSummary ran = early == null ? step.summary() : early.plus(step.summary());
        RoundSummary summary = drift.isEmpty() ? ran : ran.withStatus(RoundSummary.Status.FAILED);
        if (step.failed()) {
          failed = true;
          error = step.error();
        } else if (!drift.isEmpty()) {
          failed = true;
          error = drift;
        } else if (summary.failed() > 0) {
          failed = true; // deletes that ran first failed
        }
        rounds.add(summary);
        LOG.info(
            "round {} {}: {} copied ({} bytes), {} deleted, {} failed",
            round,
            summary.status(),
            summary.copied(),
            summary.bytes(),
            summary.deleted(),
            summary.failed());
        heard = tell(() -> listener.roundFinished(summary));
        if (!heard.isEmpty() && !failed) {
          failed = true;
          error = heard;
        }
      }
    }
    ExportResult.Status status =
        failed ? ExportResult.Status.FAILED : ExportResult.Status.SUCCEEDED;
    return lease.recordStatus(
        result(plan, status, started, rounds, failures, error, "", known),
        root,
        copySettings.retry());
  }

  private ExportActions actionsOf(
      ExportPlan plan,
      ObjectStore destination,
      DestinationKeys keys,
      LocalExecutor executor,
      HttpReadStore presigned,
      DestinationListing listing) {
    return new ExportActions(
        lakeFs,
        repository,
        plan.commitId(),
        plan.previousCommitId(),
        storage,
        destination,
        keys,
        new CopyEngine(destination, executor.partPool(), copySettings),
        sourceMode,
        copySettings.retry(),
        presigned,
        listing);
  }

  /**
   * A dry run's rounds when the export skips identical objects: each copy is looked up at the
   * destination as a run would ({@link ExportActions#look}), so that the counts say what a run
   * would copy rather than what the commit holds: {@code failed} counts the copies that would fail
   * (refused keys, sources gone, a destination that could not be asked), which {@code failures}
   * lists; {@code copied} the others, of which {@code copiedBy} tells those there already; {@code
   * bytes} what the rest would move.
   */
  private List<RoundSummary> lookedAt(
      ExportPlan plan,
      PlanTotals totals,
      ObjectStore destination,
      DestinationKeys keys,
      RoundTally.FailureLog failures) {
    var rounds = new ArrayList<RoundSummary>();
    try (var executor = new LocalExecutor(concurrency);
        var presigned = HttpStorageProvider.reader(storage.settings())) {
      var listing = new DestinationListing(destination, keys);
      ActionHandler looking =
          actionsOf(plan, destination, keys, executor, presigned, listing).lookingOnly();
      for (PlanTotals.RoundTotals r : totals.rounds()) {
        RoundSummary looked =
            r.copies() == 0
                ? new RoundSummary(r.round(), RoundSummary.Status.PLANNED, 0, 0, 0, 0, Map.of())
                : executor.runRound(
                    r.round(),
                    besideTheDestination(
                        listing,
                        r,
                        plan.actionsOfRound(r.round()).filter(a -> a.kind() == Action.Kind.COPY)),
                    looking,
                    failures,
                    ProgressListener.NONE);
        rounds.add(
            new RoundSummary(
                r.round(),
                RoundSummary.Status.PLANNED,
                looked.copied(),
                r.deletes(),
                looked.failed(),
                looked.bytes(),
                looked.copiedBy()));
      }
    } catch (LocalExecutor.RoundStoppedException e) {
      String said = "dry run of commit " + plan.commitId() + ": " + e.getMessage();
      throw e.interrupted()
          ? new ExportInterruptedException(said, e)
          : new ExportException(said, e);
    }
    return rounds;
  }

  /**
   * {@code actions} with the destination listed beside them when the export skips identical objects
   * ({@code listing} not null) and the round copies many ({@code counted} null: not known yet).
   */
  private static Stream<Action> besideTheDestination(
      DestinationListing listing, PlanTotals.RoundTotals counted, Stream<Action> actions) {
    return listing != null && (counted == null || counted.copies() >= LISTED_FROM)
        ? listing.watch(actions)
        : actions;
  }

  /**
   * How one pass of the executor over a round's actions ended: {@code stopped} before its end (a
   * listing that could not start or broke off, an interrupt), with {@code error} saying why.
   */
  private record Step(RoundSummary summary, boolean stopped, String error) {
    /** Whether the export stops here: the step stopped or one of its actions failed. */
    boolean failed() {
      return stopped || summary.failed() > 0;
    }
  }

  /** Runs {@code listing}'s actions as (part of) round {@code round}. */
  private Step runStep(
      ExportPlan plan,
      int round,
      LocalExecutor executor,
      ActionHandler actions,
      RoundTally.FailureLog failures,
      Supplier<Stream<Action>> listing) {
    return runStep(plan, round, executor, actions, failures, listing, listener);
  }

  /**
   * As {@link #runStep(ExportPlan, int, LocalExecutor, ExportActions, RoundTally.FailureLog,
   * Supplier)}, each action's end told to {@code told}.
   */
  private Step runStep(
      ExportPlan plan,
      int round,
      LocalExecutor executor,
      ActionHandler actions,
      RoundTally.FailureLog failures,
      Supplier<Stream<Action>> listing,
      ProgressListener told) {
    try {
      RoundSummary summary = executor.runRound(round, listing.get(), actions, failures, told);
      return new Step(summary, false, "");
    } catch (LocalExecutor.RoundStoppedException e) {
      // What the round did before it stopped is at the destination: the report says so.
      logStop(plan, round, e);
      return new Step(e.summary(), true, e.getMessage());
    } catch (RuntimeException e) {
      // The round's actions never started.
      logStop(plan, round, e);
      return new Step(
          new RoundSummary(round, RoundSummary.Status.FAILED, 0, 0, 0, 0, Map.of()),
          true,
          "round " + round + " stopped: " + Printable.said(e));
    }
  }

  /**
   * Tells the listener something; what it threw, in words, or empty. A listener that fails ends the
   * export as a failure, reported and written in the status file as the listener's.
   */
  private String tell(Runnable callback) {
    try {
      callback.run();
      return "";
    } catch (ListenerFailedException e) {
      LOG.error("{}", e.getMessage(), e.getCause());
      return e.getMessage();
    }
  }

  /** The deletes of {@code round}, freshly listed. */
  private static Stream<Action> deletesOf(ExportPlan plan, int round) {
    return plan.actionsOfRound(round).filter(a -> a.kind() == Action.Kind.DELETE);
  }

  /**
   * The keys {@code round}'s copies write again (held in the previous commit, changed since), as
   * deletes: taken down before round 1, and written back in their own round; as those copies, for
   * {@link ExportActions#takingDownUnlessThere} to look at first, when {@code asCopies}.
   */
  private static Stream<Action> rewrittenLater(ExportPlan plan, int round, boolean asCopies) {
    Stream<Action> rewritten =
        plan.actionsOfRound(round)
            .filter(a -> a.kind() == Action.Kind.COPY && a.inPreviousCommit());
    return asCopies ? rewritten : rewritten.map(a -> Action.delete(a.path(), round));
  }

  /**
   * One line for a stopped export; its stack trace only where the log says more than warnings (the
   * command line's {@code -v}): the summary and the status file carry the reason already.
   */
  private void logStop(ExportPlan plan, int round, RuntimeException e) {
    String what = "export of " + plan.commitId() + " to " + root + " stopped in round " + round;
    if (LOG.isInfoEnabled()) {
      LOG.error(what, e);
    } else {
      LOG.error("{}: {}", what, e.getMessage());
    }
  }

  /**
   * Closes the lakeFS client and the stores this exporter built; a {@link LakeFsClient} or {@link
   * StorageRegistry} passed to the builder stays open. Call it once exports have ended; afterwards
   * an export throws {@link IllegalStateException}. Closing twice is harmless.
   */
  @Override
  public void close() {
    closed = true;
    if (ownsLakeFs) {
      lakeFs.close();
    }
    if (ownsStorage) {
      try {
        storage.close();
      } catch (IOException e) {
        LOG.warn("could not close storage clients", e);
      }
    }
  }

  private void requireNotInterrupted(ExportPlan plan, String when) {
    if (Thread.currentThread().isInterrupted()) {
      throw new ExportInterruptedException(
          "export of commit "
              + plan.commitId()
              + " of repository '"
              + repository
              + "' to "
              + root
              + " interrupted "
              + when);
    }
  }

  /** A closed exporter's stores and client may be closed: it refuses exports in its own words. */
  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException(
          "the exporter of repository '" + repository + "' to " + root + " is closed");
    }
  }

  /** The client this exporter reads lakeFS with; for tests of who closes it. */
  LakeFsClient lakeFsClient() {
    return lakeFs;
  }

  /**
   * What is wrong when round {@code round} listed other actions than the pass before it gave the
   * round, in words; empty when they agree. A commit does not change, so only a key filter that
   * gives a key one round now and another later can make them differ, and its keys would be
   * exported in no round at all, or twice, or a marker before its data: a filter that swapped two
   * keys between rounds keeps the counts, so the keys' fingerprints are compared too ({@code
   * otherKeys}).
   */
  private static String drift(
      PlanTotals counted,
      int round,
      boolean copiesOnly,
      long listed,
      boolean otherKeys,
      KeyFilter filter) {
    PlanTotals.RoundTotals r = counted.rounds().get(round - 1);
    long expected = r.copies() + (copiesOnly ? 0 : r.deletes());
    if (listed != expected) {
      return "round " + round + " stopped: " + ExportPlan.roundDrift(expected, listed, filter);
    }
    return otherKeys
        ? "round " + round + " stopped: " + ExportPlan.roundKeysDrift(listed, filter)
        : "";
  }

  /** Whether {@code round} has nothing to do; {@code copiesOnly} when its deletes ran already. */
  private static boolean isEmpty(PlanTotals totals, int round, boolean copiesOnly) {
    PlanTotals.RoundTotals r = totals.rounds().get(round - 1);
    return r.copies() + (copiesOnly ? 0 : r.deletes()) == 0;
  }

  private ExportResult result(
      ExportPlan plan,
      ExportResult.Status status,
      Instant started,
      List<RoundSummary> rounds,
      RoundTally.FailureLog failures,
      String error,
      String statusFile,
      PlanTotals totals) {
    List<ActionOutcome> kept = failures.kept();
    return new ExportResult(
        status,
        repository,
        plan.mode(),
        plan.branch(),
        plan.previousCommitId(),
        plan.commitId(),
        root.toString(),
        started,
        Instant.now(),
        rounds,
        kept,
        failures.omitted(),
        error,
        statusFile == null || statusFile.isEmpty() ? null : statusFile,
        totals,
        Version.get());
  }

  private boolean presign() {
    return sourceMode == SourceMode.PRESIGNED;
  }

  /** Options of an exporter; only lakeFS, repository and destination are required. */
  public static final class Builder {
    private LakeFsClient lakeFs;
    private LakeFsConfig lakeFsConfig;
    private String repository;
    private Location destination;
    private KeyFilter filter = new SparkFilter();
    private int concurrency = 16;
    private long partSize = CopySettings.DEFAULT_PART_SIZE;
    private long multipartThreshold = CopySettings.DEFAULT_MULTIPART_THRESHOLD;
    private RetryPolicy retry = RetryPolicy.DEFAULT;
    private boolean serverSideCopy = true;
    private boolean skipIdentical;
    private boolean dryRun;
    private boolean countFirst = true;
    private boolean checkPreviousExport = true;
    private SourceMode sourceMode = SourceMode.AUTO;
    private StorageRegistry storage;
    private StorageSettings storageSettings = StorageSettings.EMPTY;
    private ProgressListener listener = ProgressListener.NONE;

    private Builder() {}

    /**
     * The lakeFS to export from, through a client the caller owns: the exporter uses it and leaves
     * it open. Replaces an earlier {@link #lakeFs(LakeFsConfig)}.
     */
    public Builder lakeFs(LakeFsClient lakeFs) {
      this.lakeFs = Objects.requireNonNull(lakeFs, "lakeFs is null");
      this.lakeFsConfig = null;
      return this;
    }

    /**
     * The lakeFS to export from: the exporter creates its own client and closes it when it is
     * closed. Replaces an earlier {@link #lakeFs(LakeFsClient)}.
     */
    public Builder lakeFs(LakeFsConfig config) {
      this.lakeFsConfig = Objects.requireNonNull(config, "config is null");
      this.lakeFs = null;
      return this;
    }

    /** The lakeFS repository to export from. */
    public Builder repository(String repository) {
      this.repository = Objects.requireNonNull(repository, "repository is null");
      return this;
    }

    /** The destination root, in any form {@link Location#parse} accepts. */
    public Builder destination(String destination) {
      Objects.requireNonNull(destination, "destination is null");
      try {
        return destination(Location.parse(destination));
      } catch (IllegalArgumentException e) {
        throw new InvalidExportException("invalid destination: " + e.getMessage(), e);
      }
    }

    /** The destination root, parsed already. */
    public Builder destination(Location destination) {
      this.destination = Objects.requireNonNull(destination, "destination is null");
      return this;
    }

    /** Which round each key goes in; {@link SparkFilter} by default. */
    public Builder keyFilter(KeyFilter filter) {
      this.filter = Objects.requireNonNull(filter, "filter is null");
      return this;
    }

    /** Objects copied at once (and parts of large objects at once); 16 by default. */
    public Builder concurrency(int concurrency) {
      this.concurrency = OptionChecks.concurrency(concurrency);
      return this;
    }

    /**
     * Preferred part size of multipart copies; 16 MiB by default. Kept within what the store allows
     * (S3's 5 MiB minimum part, for one), and grown for an object that would need more parts than
     * the store takes.
     */
    public Builder partSize(long bytes) {
      this.partSize = OptionChecks.partSize(bytes);
      return this;
    }

    /** Objects at least this large are copied in parallel parts; 32 MiB by default. */
    public Builder multipartThreshold(long bytes) {
      this.multipartThreshold = OptionChecks.multipartThreshold(bytes);
      return this;
    }

    /**
     * How often, and after how long, a storage operation that failed transiently is tried again;
     * {@link RetryPolicy#DEFAULT} by default.
     */
    public Builder retry(RetryPolicy retry) {
      this.retry = Objects.requireNonNull(retry, "retry is null");
      return this;
    }

    /** Whether stores may copy by themselves when they can; on by default. */
    public Builder serverSideCopy(boolean enabled) {
      this.serverSideCopy = enabled;
      return this;
    }

    /**
     * Whether to leave an object the destination holds already, byte for byte, instead of copying
     * it again; off by default. A re-run of an export that stopped part way then copies only what
     * it had left, for the price of a listing of the destination beside each round of 1,000 copies
     * or more (in smaller rounds a stat of each object; on a filesystem also a read of each file of
     * the same size). An object is left only when a checksum proves it the same ({@link
     * IdenticalObject}); it keeps the content type and user metadata it was written with.
     */
    public Builder skipIdentical(boolean enabled) {
      this.skipIdentical = enabled;
      return this;
    }

    /**
     * Whether a diff ({@link Exporter#exportFrom}) first makes sure the destination holds the
     * export of the commit it starts from; on by default. The newest status file at the root must
     * be that commit's {@code SUCCESS}, the HEAD's own, or a failed diff from the same commit
     * ({@link io.lakeexporter.report.PreviousExport}); otherwise the diff is refused with {@link
     * PreviousExportMissingException} before anything is written. Off, a diff runs wherever it is
     * pointed: for a destination filled by other means, which no status file tells of.
     */
    public Builder checkPreviousExport(boolean enabled) {
      this.checkPreviousExport = enabled;
      return this;
    }

    /**
     * Plan only: count objects and bytes per round, write nothing. With {@link #skipIdentical} the
     * destination is looked at too, as a run would: each round's summary then counts in {@link
     * RoundSummary#copiedBy} the copies there already, its bytes are those the other copies would
     * move, and copies that would fail are failures of the result.
     */
    public Builder dryRun(boolean dryRun) {
      this.dryRun = dryRun;
      return this;
    }

    /**
     * Whether to count the plan before copying, for progress totals (one extra listing pass); on by
     * default.
     */
    public Builder countFirst(boolean countFirst) {
      this.countFirst = countFirst;
      return this;
    }

    /**
     * How source objects are read: directly, presigned, through lakeFS; {@code AUTO} by default.
     */
    public Builder sourceMode(SourceMode sourceMode) {
      this.sourceMode = Objects.requireNonNull(sourceMode, "sourceMode is null");
      return this;
    }

    /**
     * The stores to use, owned by the caller, who closes them after the exporter; by default every
     * provider on the class path with {@link #storageSettings}, which a registry given here
     * replaces (it has its own settings).
     */
    public Builder storage(StorageRegistry storage) {
      this.storage = Objects.requireNonNull(storage, "storage is null");
      return this;
    }

    /**
     * Settings of the stores the exporter builds (credentials, endpoints, part sizes); ignored when
     * {@link #storage} is given. A value a store refuses fails the export with {@link
     * InvalidExportException} naming the setting, and {@link #build} refuses a key under a module's
     * name that the module does not read ({@code s3.endpont}), naming the closest one.
     */
    public Builder storageSettings(StorageSettings settings) {
      this.storageSettings = Objects.requireNonNull(settings, "settings is null");
      return this;
    }

    /** Hears the export as it goes (progress bars, metrics); none by default. */
    public Builder listener(ProgressListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener is null");
      return this;
    }

    /**
     * An exporter with these options; nothing is contacted until it exports.
     *
     * @throws InvalidExportException naming everything required that is missing (lakeFS,
     *     repository, destination), or a blank repository, a key filter without rounds (or with
     *     more than {@link OptionChecks#MAX_ROUNDS}, or whose {@code rounds()} throws) or an
     *     unknown storage setting
     */
    public Exporter build() {
      var missing = new ArrayList<String>();
      if (lakeFs == null && lakeFsConfig == null) {
        missing.add("lakeFS (Builder.lakeFs)");
      }
      if (repository == null) {
        missing.add("repository (Builder.repository)");
      }
      if (destination == null) {
        missing.add("destination root (Builder.destination)");
      }
      OptionChecks.nothingMissing(missing);
      return new Exporter(this);
    }
  }
}
