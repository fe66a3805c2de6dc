package io.lakeexporter.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeexporter.copy.CopyStrategy;
import io.lakeexporter.plan.Action;
import io.lakeexporter.report.ActionOutcome;
import io.lakeexporter.report.ProgressListener;
import io.lakeexporter.report.RoundSummary;
import io.lakeexporter.report.RoundTally;
import io.lakeexporter.testing.InterruptAfter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class LocalExecutorTest {

  /** Records what it is asked to do and how many run at once. */
  private static final class Recorder implements ActionHandler {
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger maxRunning = new AtomicInteger();
    final List<List<Action>> deleteBatches = Collections.synchronizedList(new ArrayList<>());

    @Override
    public ActionOutcome copy(Action action) {
      int now = running.incrementAndGet();
      maxRunning.accumulateAndGet(now, Math::max);
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      running.decrementAndGet();
      if (action.path().startsWith("fail")) {
        return ActionOutcome.failed(action, "", "failed on purpose");
      }
      if (action.path().startsWith("throw")) {
        throw new IllegalStateException("a bug");
      }
      if (action.path().startsWith("unreachable")) {
        throw new RoundStoppingFailure(
            List.of(ActionOutcome.failed(action, "", "the server is gone")), "the server is gone");
      }
      return ActionOutcome.copied(action, CopyStrategy.STREAM, action.size(), 1, "");
    }

    @Override
    public List<ActionOutcome> delete(List<Action> batch) {
      deleteBatches.add(batch);
      return batch.stream().map(ActionOutcome::deleted).toList();
    }

    @Override
    public int deleteBatchSize() {
      return 10;
    }
  }

  @Test
  void runsEveryActionWithBoundedConcurrencyAndBatchesDeletes() {
    var handler = new Recorder();
    Stream<Action> actions =
        Stream.concat(
            IntStream.range(0, 200).mapToObj(i -> Action.copyOf("k" + i, 10, 1)),
            IntStream.range(0, 25).mapToObj(i -> Action.delete("d" + i, 1)));
    RoundSummary summary;
    try (var executor = new LocalExecutor(3)) {
      summary =
          executor.runRound(
              1, actions, handler, new RoundTally.FailureLog(), ProgressListener.NONE);
    }
    assertThat(summary.status()).isEqualTo(RoundSummary.Status.SUCCEEDED);
    assertThat(summary.copied()).isEqualTo(200);
    assertThat(summary.bytes()).isEqualTo(2000);
    assertThat(summary.deleted()).isEqualTo(25);
    assertThat(handler.maxRunning.get()).isBetween(1, 3);
    assertThat(handler.deleteBatches).extracting(List::size).containsExactlyInAnyOrder(10, 10, 5);
  }

  @Test
  void failuresAndBugsAreCountedNotLost() {
    var handler = new Recorder();
    var failures = new RoundTally.FailureLog();
    RoundSummary summary;
    try (var executor = new LocalExecutor(2)) {
      summary =
          executor.runRound(
              1,
              Stream.of(
                  Action.copyOf("ok", 1, 1),
                  Action.copyOf("fail-1", 1, 1),
                  Action.copyOf("throw-1", 1, 1)),
              handler,
              failures,
              ProgressListener.NONE);
    }
    assertThat(summary.status()).isEqualTo(RoundSummary.Status.FAILED);
    assertThat(summary.failed()).isEqualTo(2);
    assertThat(failures.kept())
        .extracting(ActionOutcome::path)
        .containsExactlyInAnyOrder("fail-1", "throw-1");
    assertThat(failures.kept()).anySatisfy(f -> assertThat(f.error()).contains("a bug"));
  }

  @Test
  void aListingThatBreaksOffIsRaisedAfterStartedActionsFinish() {
    var handler = new Recorder();
    var tally = new AtomicInteger();
    Stream<Action> broken =
        Stream.iterate(0, i -> i + 1)
            .map(
                i -> {
                  if (i == 50) {
                    throw new IllegalStateException("lakeFS went away");
                  }
                  return Action.copyOf("k" + i, 1, 1);
                });
    ProgressListener counting =
        new ProgressListener() {
          @Override
          public void actionFinished(ActionOutcome outcome) {
            tally.incrementAndGet();
          }
        };
    try (var executor = new LocalExecutor(4)) {
      assertThatThrownBy(
              () -> executor.runRound(1, broken, handler, new RoundTally.FailureLog(), counting))
          .isInstanceOfSatisfying(
              LocalExecutor.RoundStoppedException.class,
              e -> {
                assertThat(e.interrupted()).isFalse();
                assertThat(e.summary().status()).isEqualTo(RoundSummary.Status.FAILED);
                assertThat(e.summary().copied())
                    .as("the copies made before it broke")
                    .isEqualTo(50);
                assertThat(e.summary().bytes()).isEqualTo(50);
                assertThat(e.summary().copiedBy(CopyStrategy.STREAM)).isEqualTo(50);
              })
          .hasMessage("round 1 stopped: lakeFS went away")
          .hasRootCauseMessage("lakeFS went away");
    }
    assertThat(tally).hasValue(50);
  }

  @Test
  void anActionThatFailsAsTheRestWouldStopsTheRoundCountedAndTakesNoMore() {
    var handler = new Recorder();
    var failures = new RoundTally.FailureLog();
    var asked = new AtomicInteger();
    Stream<Action> actions =
        Stream.concat(
                IntStream.range(0, 10).mapToObj(i -> Action.copyOf("k" + i, 1, 1)),
                Stream.of(Action.copyOf("unreachable", 1, 1)))
            .peek(a -> asked.incrementAndGet());
    Stream<Action> rest = IntStream.range(0, 1_000).mapToObj(i -> Action.copyOf("later" + i, 1, 1));

    try (var executor = new LocalExecutor(1)) {
      assertThatThrownBy(
              () ->
                  executor.runRound(
                      1,
                      Stream.concat(actions, rest.peek(a -> asked.incrementAndGet())),
                      handler,
                      failures,
                      ProgressListener.NONE))
          .isInstanceOfSatisfying(
              LocalExecutor.RoundStoppedException.class,
              e -> {
                assertThat(e.interrupted()).isFalse();
                assertThat(e.summary().copied()).isEqualTo(10);
                assertThat(e.summary().failed()).isEqualTo(1);
              })
          .hasMessage("round 1 stopped: the server is gone");
    }
    assertThat(failures.kept()).extracting(ActionOutcome::path).containsExactly("unreachable");
    assertThat(asked).as("no action taken after the one that stopped the round").hasValue(11);
  }

  @Test
  void anInterruptStopsTheRoundWithWhatItDid() {
    var handler = new Recorder();
    var failures = new RoundTally.FailureLog();
    var interruptsAfterTen = new InterruptAfter(10);
    Stream<Action> endless =
        Stream.iterate(0, i -> i + 1)
            .map(i -> i % 7 == 3 ? Action.copyOf("fail-" + i, 1, 1) : Action.copyOf("k" + i, 1, 1));
    try (var executor = new LocalExecutor(2)) {
      assertThatThrownBy(() -> executor.runRound(1, endless, handler, failures, interruptsAfterTen))
          .isInstanceOfSatisfying(
              LocalExecutor.RoundStoppedException.class,
              e -> {
                assertThat(e.interrupted()).isTrue();
                assertThat(e.summary().status()).isEqualTo(RoundSummary.Status.FAILED);
                assertThat(e.summary().copied() + e.summary().failed())
                    .isEqualTo(interruptsAfterTen.finished())
                    .isGreaterThanOrEqualTo(10);
                assertThat(e.summary().failed()).isEqualTo(failures.kept().size()).isPositive();
              })
          .hasMessageContaining("interrupted");
      assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
    }
  }

  @Test
  void anInterruptIsPassedOnToTheActionsUnderWay() {
    var slowStarted = new CountDownLatch(2);
    var cancelled = new CountDownLatch(1);
    ActionHandler handler =
        new ActionHandler() {
          @Override
          public ActionOutcome copy(Action action) {
            try {
              if (action.path().equals("quick")) {
                // Ends, and so interrupts the round, once both slow copies are under way.
                slowStarted.await(10, TimeUnit.SECONDS);
                return ActionOutcome.copied(action, CopyStrategy.STREAM, 1, 1, "");
              }
              slowStarted.countDown();
              // A large object's copy in parts: minutes, unless cancelled.
              if (cancelled.await(30, TimeUnit.SECONDS)) {
                return ActionOutcome.failed(action, "", "interrupted while copying in parts");
              }
              return ActionOutcome.copied(action, CopyStrategy.PARALLEL_PARTS, 1, 1, "");
            } catch (InterruptedException e) {
              throw new AssertionError("a worker was interrupted", e);
            }
          }

          @Override
          public void cancel() {
            cancelled.countDown();
          }

          @Override
          public List<ActionOutcome> delete(List<Action> batch) {
            throw new AssertionError("no deletes here");
          }

          @Override
          public int deleteBatchSize() {
            return 1;
          }
        };
    var failures = new RoundTally.FailureLog();
    Stream<Action> actions =
        Stream.of(
            Action.copyOf("quick", 1, 1),
            Action.copyOf("slow-1", 1, 1),
            Action.copyOf("slow-2", 1, 1),
            Action.copyOf("after-the-cancel", 1, 1));
    try (var executor = new LocalExecutor(3)) {
      assertThatThrownBy(
              () -> executor.runRound(1, actions, handler, failures, new InterruptAfter(1)))
          .isInstanceOfSatisfying(
              LocalExecutor.RoundStoppedException.class,
              e -> {
                assertThat(e.interrupted()).isTrue();
                assertThat(e.summary().copied()).isEqualTo(1);
              });
      // The last one too, when the quick copy's worker took it before the round was cancelled.
      assertThat(failures.kept())
          .extracting(ActionOutcome::path)
          .contains("slow-1", "slow-2")
          .isSubsetOf("slow-1", "slow-2", "after-the-cancel");
      assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
    }
  }

  @Test
  void aFailedWorkerStopsTheRoundWithWhatItDid() {
    var handler = new Recorder();
    var finished = new AtomicInteger();
    ProgressListener breaksAtTwenty =
        new ProgressListener() {
          @Override
          public void actionFinished(ActionOutcome outcome) {
            if (finished.incrementAndGet() == 20) {
              throw new IllegalStateException("metrics backend down");
            }
          }
        };
    Stream<Action> many = IntStream.range(0, 10_000).mapToObj(i -> Action.copyOf("k" + i, 2, 1));
    try (var executor = new LocalExecutor(3)) {
      assertThatThrownBy(
              () ->
                  executor.runRound(1, many, handler, new RoundTally.FailureLog(), breaksAtTwenty))
          .isInstanceOfSatisfying(
              LocalExecutor.RoundStoppedException.class,
              e -> {
                assertThat(e.interrupted()).isFalse();
                assertThat(e.summary().copied()).isBetween(20L, 10_000L - 1);
                assertThat(e.summary().bytes()).isEqualTo(2 * e.summary().copied());
              })
          .hasMessageContaining("metrics backend down");
    }
  }
}
