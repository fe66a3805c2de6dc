package io.lakeexporter.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
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
    var running = new CountDownLatch(1);
    List<Callable<String>> tasks =
        List.of(
            () -> {
              running.countDown();
              release.await(); // still running when the caller gives up waiting
              return "a";
            },
            () -> {
              running.await(); // else the first could be skipped before it starts
              throw new IllegalStateException("broken");
            });
    long start = System.nanoTime();
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> Parallel.allOrFirstFailure(pool, tasks, Duration.ofMillis(200)))
          .isInstanceOf(java.io.InterruptedIOException.class);
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
