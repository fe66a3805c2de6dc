package io.lakeexporter.storage;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** What the engine and the stores share for work they split over threads. */
public final class Parallel {

  private Parallel() {}

  /** Daemon threads named {@code prefix-1}, {@code prefix-2}...: they never keep a JVM alive. */
  public static ThreadFactory daemonThreads(String prefix) {
    var counter = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + counter.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** A request that may throw an IOException. */
  @FunctionalInterface
  public interface Request {
    void send() throws IOException;
  }

  /**
   * Sends a clean-up request (an abort) even from an interrupted thread, and keeps the interrupt
   * for the caller. An interrupt is how a copy is cancelled, and the moment a clean-up matters
   * most; yet clients refuse to send on an interrupted thread (the AWS SDK's "Thread was
   * interrupted", Reactor's blocking calls), and an abort not sent leaves every part written so far
   * stored, and billed, at the destination.
   */
  public static void despiteInterrupt(Request request) throws IOException {
    boolean interrupted = Thread.interrupted();
    try {
      request.send();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Runs {@code request} on {@code pool} and waits for its answer through any interrupt, which it
   * keeps for the caller: for a request whose answer names something the server made (an upload's
   * id), which an interrupt meanwhile would lose with the answer, leaving what it named out of
   * reach of any clean-up.
   */
  public static <T> T answeredDespiteInterrupt(ExecutorService pool, Callable<T> request)
      throws IOException {
    Future<T> answer = pool.submit(request);
    boolean interrupted = false;
    try {
      while (!answer.isDone()) {
        try {
          answer.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          break; // said below, as await says it
        }
      }
      return await(answer);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The future's value, with its failure rethrown as it was (an IOException stays one). */
  public static <T> T await(Future<T> future) throws IOException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for parallel work");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(cause);
    }
  }

  /**
   * Runs {@code tasks} on {@code pool} and returns their values in order; the first failure (in
   * order) is rethrown as {@link #await} does, after the tasks not yet started are skipped and the
   * running ones have ended, for up to {@code stopWait}. Cancelling the futures instead would
   * return at once while their requests are still in flight: a part copy that lands after the
   * caller aborted its upload is stored, and billed, under an upload nobody will complete.
   */
  public static <T> List<T> allOrFirstFailure(
      ExecutorService pool, List<? extends Callable<T>> tasks, Duration stopWait)
      throws IOException {
    var stop = new AtomicBoolean();
    var futures = new ArrayList<Future<T>>(tasks.size());
    for (Callable<T> task : tasks) {
      futures.add(
          pool.submit(
              () -> {
                if (stop.get()) {
                  return null; // an earlier failure stopped the work; its error is the answer
                }
                try {
                  return task.call();
                } catch (Throwable t) {
                  stop.set(true);
                  throw t;
                }
              }));
    }
    var values = new ArrayList<T>(tasks.size());
    try {
      for (Future<T> f : futures) {
        values.add(await(f));
      }
      return values;
    } catch (IOException | RuntimeException | Error e) {
      stop.set(true);
      awaitEnd(futures, stopWait);
      throw e;
    }
  }

  /** Waits for every future to end, up to {@code limit} in all, keeping an interrupt for later. */
  private static void awaitEnd(List<? extends Future<?>> futures, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    boolean interrupted = false;
    try {
      for (Future<?> f : futures) {
        while (true) {
          try {
            f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            break;
          } catch (InterruptedException e) {
            interrupted = true; // already stopping; the caller sees the flag on return
          } catch (ExecutionException | CancellationException e) {
            break;
          } catch (TimeoutException e) {
            return;
          }
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
