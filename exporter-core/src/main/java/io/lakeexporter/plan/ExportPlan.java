package io.lakeexporter.plan;

import io.lakeexporter.filter.KeyFilter;
import io.lakeexporter.source.LakeFsClient;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * What an export will do, as a listing that can be streamed again for each round instead of a list
 * in memory: a commit is immutable, so every pass sees the same actions.
 */
public final class ExportPlan {

  private final ExportMode mode;
  private final String repository;
  private final String commitId;
  private final String branch;
  private final String previousCommitId;
  private final KeyFilter filter;
  private final Supplier<Stream<Action>> actions;

  private ExportPlan(
      ExportMode mode,
      String repository,
      String commitId,
      String branch,
      String previousCommitId,
      KeyFilter filter,
      Supplier<Stream<Action>> actions) {
    this.mode = mode;
    this.repository = repository;
    this.commitId = commitId;
    this.branch = branch;
    this.previousCommitId = previousCommitId;
    this.filter = filter;
    this.actions = actions;
    if (filter.rounds() < 1) {
      throw new IllegalArgumentException("key filter " + nameOf(filter) + " has no rounds");
    }
  }

  /** Copies of every object of {@code commitId}. */
  public static ExportPlan full(
      LakeFsClient lakeFs,
      ExportMode mode,
      String repository,
      String branch,
      String commitId,
      KeyFilter filter,
      boolean presign) {
    Objects.requireNonNull(lakeFs, "lakeFs is null");
    return new ExportPlan(
        mode,
        repository,
        commitId,
        branch,
        null,
        filter,
        () ->
            lakeFs
                .listObjects(repository, commitId, "", presign)
                .map(e -> Action.copy(e, roundOf(filter, e.path()))));
  }

  /** Copies of what was added or changed since {@code previousCommitId}, deletes of the rest. */
  public static ExportPlan diff(
      LakeFsClient lakeFs,
      String repository,
      String branch,
      String previousCommitId,
      String commitId,
      KeyFilter filter) {
    return diff(lakeFs, repository, branch, previousCommitId, commitId, filter, List.of());
  }

  /**
   * As {@link #diff(LakeFsClient, String, String, String, String, KeyFilter)}, on a destination an
   * export of each of {@code stoppedExports} (commits) also wrote to part-way after it held {@code
   * previousCommitId}: the diffs from those commits too, so that every key either changed ends as
   * {@code commitId} has it ({@link DiffUnion}).
   */
  public static ExportPlan diff(
      LakeFsClient lakeFs,
      String repository,
      String branch,
      String previousCommitId,
      String commitId,
      KeyFilter filter,
      List<String> stoppedExports) {
    Objects.requireNonNull(lakeFs, "lakeFs is null");
    List<String> from = DiffUnion.starts(previousCommitId, stoppedExports, commitId);
    return new ExportPlan(
        ExportMode.DIFF,
        repository,
        commitId,
        branch,
        previousCommitId,
        filter,
        () ->
            DiffUnion.of(from.stream().map(c -> lakeFs.diff(repository, c, commitId)).toList())
                .map(d -> Action.of(d, roundOf(filter, d.path()))));
  }

  /** A plan over any source of actions; for tests and other front ends. */
  public static ExportPlan of(
      ExportMode mode,
      String repository,
      String branch,
      String previousCommitId,
      String commitId,
      KeyFilter filter,
      Supplier<Stream<Action>> actions) {
    return new ExportPlan(mode, repository, commitId, branch, previousCommitId, filter, actions);
  }

  /**
   * {@code filter}'s own name for itself, or its class's when its {@code toString} fails: a message
   * about the filter must not be lost to it.
   */
  public static String nameOf(KeyFilter filter) {
    try {
      return String.valueOf(filter);
    } catch (RuntimeException e) {
      return filter.getClass().getName();
    }
  }

  /**
   * Why a round's listing held {@code listed} actions where the plan was counted with {@code
   * counted}: the key filter gave some key another round when asked again.
   */
  public static String roundDrift(long counted, long listed, KeyFilter filter) {
    return "the commit was counted with "
        + counted
        + " actions in it, but "
        + listed
        + " when it ran; key filter "
        + nameOf(filter)
        + " must give each key the same round every time it is asked";
  }

  /**
   * What is wrong when a round's listing held as many actions as counted, but for other keys: the
   * filter gave some key another round than when it was counted.
   */
  public static String roundKeysDrift(long listed, KeyFilter filter) {
    return "the commit was counted with other keys in this round than the "
        + listed
        + " it listed when it ran; key filter "
        + nameOf(filter)
        + " must give each key the same round every time it is asked";
  }

  /**
   * The round {@code filter} gives {@code key}.
   *
   * @throws IllegalStateException when the filter puts the key outside its rounds: the object would
   *     otherwise be dropped without a word
   */
  public static int roundOf(KeyFilter filter, String key) {
    int round;
    try {
      round = filter.roundForKey(key);
    } catch (RuntimeException | LinkageError | AssertionError e) {
      // The filter is the caller's code: its failure names the key it failed on, and the filter.
      // So does an error of its own making (a class it needs missing, a failed assert); the
      // JVM's own (out of memory, a stack overflow) go on as they are.
      throw new IllegalStateException(
          "key filter " + nameOf(filter) + " failed on '" + key + "': " + e, e);
    }
    if (round < 1 || round > filter.rounds()) {
      throw new IllegalStateException(
          "key filter "
              + nameOf(filter)
              + " put '"
              + key
              + "' in round "
              + round
              + ", outside 1.."
              + filter.rounds());
    }
    return round;
  }

  /** Every action, freshly listed. Close the stream. */
  public Stream<Action> actions() {
    return actions.get();
  }

  /** The actions of one round, freshly listed. Close the stream. */
  public Stream<Action> actionsOfRound(int round) {
    return actions.get().filter(a -> a.round() == round);
  }

  public ExportMode mode() {
    return mode;
  }

  public String repository() {
    return repository;
  }

  public String commitId() {
    return commitId;
  }

  /** The branch, or {@code null} for a commit export. */
  public String branch() {
    return branch;
  }

  /** The previous commit of a diff export, or {@code null}. */
  public String previousCommitId() {
    return previousCommitId;
  }

  public KeyFilter filter() {
    return filter;
  }

  public int rounds() {
    return filter.rounds();
  }
}
