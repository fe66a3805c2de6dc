package io.lakeexporter.storage;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
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
}
