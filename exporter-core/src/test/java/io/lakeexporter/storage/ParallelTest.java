package io.lakeexporter.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ParallelTest {

  private final ExecutorService pool = Executors.newFixedThreadPool(2);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void valuesComeBackInTheTasksOrder() throws IOException {
    List<Callable<Integer>> tasks = List.of(() -> slow(3), () -> 2, () -> 1);
    assertThat(Parallel.allOrFirstFailure(pool, tasks, Duration.ofSeconds(5)))
        .containsExactly(3, 2, 1);
  }

  @Test
  void aFailureWaitsForTheRunningTaskAndSkipsTheQueuedOnes() throws Exception {
    var running = new CountDownLatch(1);
    var runningEnded = new AtomicBoolean();
    var queuedRan = new AtomicBoolean();
    List<Callable<String>> tasks =
        List.of(
            () -> {
              running.await();
              throw new IOException("part 1 refused");
            },
            () -> {
              running.countDown();
              Thread.sleep(300); // a request in flight that the failure cannot recall
              runningEnded.set(true);
              return "b";
            },
            () -> {
              queuedRan.set(true);
              return "c";
            });
    assertThatThrownBy(() -> Parallel.allOrFirstFailure(pool, tasks, Duration.ofSeconds(5)))
        .isInstanceOf(IOException.class)
        .hasMessage("part 1 refused");
    assertThat(runningEnded).as("the task in flight ended before the failure came back").isTrue();
    assertThat(queuedRan).as("a task queued behind the failure").isFalse();
  }

  @Test
  void theWaitIsBoundedAndAnInterruptIsKept() throws Exception {
    var release = new CountDownLatch(1);
    Thread caller = Thread.currentThread();
    // The caller is interrupted by the task once it runs: interrupted before the call, it stopped
    // the tasks before either started, and the wait then had nothing to wait for (0 ms).
    List<Callable<String>> tasks =
        List.of(
            () -> {
              caller.interrupt();
              release.await(); // still running when the caller gives up waiting
              return "a";
            });
    long start = System.nanoTime();
    try {
      assertThatThrownBy(() -> Parallel.allOrFirstFailure(pool, tasks, Duration.ofMillis(200)))
          .isInstanceOf(InterruptedIOException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
      release.countDown();
    }
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(150L, 4_000L);
  }

  private static int slow(int value) throws InterruptedException {
    Thread.sleep(100);
    return value;
  }
}
