package io.lakeexporter.exec;

import io.lakeexporter.plan.Action;
import io.lakeexporter.report.PlanTotals;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * What one pass over a plan's whole listing learns: the totals of every round and, while they are
 * few, the actions of the rounds after the first. An export's first round sees every action to pick
 * its own; with this watching, the later rounds (Spark's {@code _SUCCESS} markers, typically a
 * handful) need no listing of their own. Not thread safe: it watches the one thread that pulls the
 * listing.
 */
public final class ListingPass implements Consumer<Action> {

  private final long[][] counts;

  /** Per round, the sum of the fingerprints of its copies ([0]) and of its deletes ([1]). */
  private final long[][] keys;

  private final int keepLimit;
  private List<Action> later;

  /**
   * @param rounds the plan's number of rounds
   * @param keepLimit how many later-round actions to keep at most; past it none are kept and the
   *     later rounds are listed again, so memory stays bounded however large the commit
   */
  public ListingPass(int rounds, int keepLimit) {
    if (rounds < 1) {
      throw new IllegalArgumentException("rounds must be at least 1: " + rounds);
    }
    this.counts = new long[rounds][3];
    this.keys = new long[rounds][2];
    this.keepLimit = keepLimit;
    this.later = keepLimit > 0 ? new ArrayList<>() : null;
  }

  /**
   * A pass over {@code actions}, consumed whole: their totals and keys, and up to {@code keepLimit}
   * actions of the later rounds.
   */
  public static ListingPass over(int rounds, int keepLimit, Stream<Action> actions) {
    var pass = new ListingPass(rounds, keepLimit);
    try (actions) {
      actions.forEach(pass);
    }
    return pass;
  }

  /**
   * A 64-bit fingerprint of {@code action}'s key and kind. Summed over a round, it tells whether a
   * later listing of the round held the same keys as this pass: a key filter that moved two keys
   * between rounds keeps every round's count, but not its sum.
   */
  public static long fingerprint(Action action) {
    long h = action.kind() == Action.Kind.COPY ? 0x9E3779B97F4A7C15L : 0xC2B2AE3D27D4EB4FL;
    String path = action.path();
    for (int i = 0; i < path.length(); i++) {
      h = (h ^ path.charAt(i)) * 0x100000001B3L;
    }
    // SplitMix64's finalizer, so that keys that differ in one character differ in every bit.
    h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
    h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
    return h ^ (h >>> 31);
  }

  /**
   * The sum of the fingerprints of {@code round}'s copies and, unless {@code copiesOnly}, its
   * deletes, as this pass saw them.
   */
  public long keysOf(int round, boolean copiesOnly) {
    long[] k = keys[round - 1];
    return copiesOnly ? k[0] : k[0] + k[1];
  }

  @Override
  public void accept(Action a) {
    long[] c = counts[a.round() - 1];
    keys[a.round() - 1][a.kind() == Action.Kind.COPY ? 0 : 1] += fingerprint(a);
    if (a.kind() == Action.Kind.COPY) {
      c[0]++;
      c[2] += a.size();
    } else {
      c[1]++;
    }
    if (a.round() > 1 && later != null) {
      if (later.size() < keepLimit) {
        later.add(a);
      } else {
        later = null;
      }
    }
  }

  public PlanTotals totals() {
    var rounds = new ArrayList<PlanTotals.RoundTotals>(counts.length);
    for (int i = 0; i < counts.length; i++) {
      rounds.add(new PlanTotals.RoundTotals(i + 1, counts[i][0], counts[i][1], counts[i][2]));
    }
    return new PlanTotals(rounds);
  }

  /** Whether the actions of every round after the first were kept. */
  public boolean keptLaterRounds() {
    return later != null;
  }

  /**
   * The kept actions of {@code round} (after the first), in listing order.
   *
   * @throws IllegalStateException if they were too many to keep
   */
  public Stream<Action> keptActionsOfRound(int round) {
    if (later == null || round < 2) {
      throw new IllegalStateException("the actions of round " + round + " were not kept");
    }
    return later.stream().filter(a -> a.round() == round);
  }
}
