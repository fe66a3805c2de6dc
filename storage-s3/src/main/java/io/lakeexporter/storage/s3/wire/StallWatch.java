package io.lakeexporter.storage.s3.wire;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The read timeout of plain connections: a thread that closes every connection that has waited on
 * its server longer than the timeout, which fails the blocked read or write.
 *
 * <p>Why not a socket timeout: with one, the JDK reads non-blocking and polls before each read,
 * three system calls instead of one. With thousands of small answers a second on two cores, that
 * CPU is what the store's server is short of.
 */
final class StallWatch implements AutoCloseable {

  /** Something that may wait on a server. */
  interface Watched {
    /** {@link System#nanoTime()} when its current wait began, or 0 when it is not waiting. */
    long waitingSince();

    /** Gives up the wait: called once, from the watch's thread. */
    void stalled();
  }

  private final long timeoutNanos;
  private final long periodMillis;
  private final Set<Watched> watched = ConcurrentHashMap.newKeySet();
  private Thread thread;
  private boolean closed;

  StallWatch(long timeoutMillis) {
    if (timeoutMillis <= 0) {
      throw new IllegalArgumentException("timeout must be positive: " + timeoutMillis);
    }
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    // A stall is noticed within a quarter of the timeout, and at least every second.
    this.periodMillis = Math.max(10, Math.min(1000, timeoutMillis / 4));
  }

  /**
   * @throws IOException once the watch is closed (with its client): a connection opened while the
   *     client closed is not to be used, and its opener closes it on this failure
   */
  synchronized void add(Watched w) throws IOException {
    if (closed) {
      throw new IOException("the HTTP client was closed");
    }
    watched.add(w);
    if (thread == null) {
      thread = new Thread(this::watch, "s3-http-stall-watch");
      thread.setDaemon(true);
      thread.start();
    }
  }

  void remove(Watched w) {
    watched.remove(w);
  }

  private void watch() {
    while (true) {
      try {
        Thread.sleep(periodMillis);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      for (Watched w : watched) {
        long since = w.waitingSince();
        if (since != 0 && now - since > timeoutNanos) {
          watched.remove(w);
          w.stalled();
        }
      }
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (thread != null) {
      thread.interrupt();
    }
    watched.clear();
  }
}
