package io.lakeexporter.cli;

import io.lakeexporter.copy.CopyStrategy;
import io.lakeexporter.report.ActionOutcome;
import io.lakeexporter.report.PlanTotals;
import io.lakeexporter.report.Printable;
import io.lakeexporter.report.ProgressListener;
import io.lakeexporter.report.RoundSummary;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress on stderr: objects, bytes, rate and ETA. On a terminal one line redrawn in place five
 * times a second; otherwise a plain line every five seconds and at the end of each round, so logs
 * stay readable.
 */
final class ProgressBar implements ProgressListener, AutoCloseable {

  private final PrintWriter err;
  private final boolean terminal;
  private final int columns;
  private final boolean counting;
  // Rates and the ETA count from the first round, not from the count before it.
  private volatile long started = System.nanoTime();
  private volatile boolean copying;
  private final AtomicLong objects = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong alreadyThere = new AtomicLong();
  private final AtomicInteger round = new AtomicInteger(1);
  private volatile PlanTotals totals;
  private long drawnObjects = -1;
  private String printed;
  private final ScheduledExecutorService ticker;

  /**
   * @param columns the width of the terminal {@code err} writes to, where one line is redrawn cut
   *     to it; 0 when it writes to a file or a pipe, which get log lines
   * @param counting whether the export counts its objects before round 1
   */
  ProgressBar(PrintWriter err, int columns, boolean counting) {
    this.err = err;
    this.terminal = columns > 0;
    this.columns = columns;
    this.counting = counting;
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "progress");
              t.setDaemon(true);
              return t;
            });
    long period = terminal ? 200 : 5000;
    ticker.scheduleAtFixedRate(this::draw, period, period, TimeUnit.MILLISECONDS);
  }

  @Override
  public void planned(PlanTotals totals) {
    this.totals = totals;
  }

  @Override
  public void roundStarted(int round) {
    if (!copying) {
      started = System.nanoTime();
      copying = true;
    }
    this.round.set(round);
  }

  @Override
  public void actionFinished(ActionOutcome outcome) {
    objects.incrementAndGet();
    bytes.addAndGet(outcome.bytes());
    if (outcome.strategy() == CopyStrategy.ALREADY_THERE) {
      // No bytes moved: said, so that the bytes behind the objects' count do not look stuck.
      alreadyThere.incrementAndGet();
    }
    if (!outcome.succeeded()) {
      failed.incrementAndGet();
    }
  }

  @Override
  public void roundFinished(RoundSummary summary) {
    if (!terminal) {
      draw();
    }
  }

  synchronized void draw() {
    drawnObjects = objects.get();
    String line = line();
    if (terminal) {
      err.print("\r" + Terminal.fit(line, columns) + "\u001b[K");
    } else if (line.equals(printed)) {
      return; // before round 1 (lakeFS or a store slow to answer): the same line once in a log
    } else {
      err.println(line);
      printed = line;
    }
    err.flush();
  }

  String line() {
    double seconds = Math.max(0.001, (System.nanoTime() - started) / 1e9);
    long doneObjects = objects.get();
    long doneBytes = bytes.get();
    PlanTotals t = totals;
    var sb = new StringBuilder();
    if (!copying && t == null && doneObjects == 0) {
      // Resolving the commit and checking the destination come first, then the count or listing.
      return counting
          ? "starting: asking lakeFS, checking the destination, counting the objects..."
          : "starting: asking lakeFS, checking the destination, listing the objects...";
    }
    sb.append("round ").append(round.get());
    if (t != null) {
      sb.append('/').append(t.rounds().size());
    }
    sb.append(" | ").append(String.format(Locale.ROOT, "%,d", doneObjects));
    long totalObjects = t == null ? -1 : t.copies() + t.deletes();
    if (totalObjects >= 0) {
      sb.append(String.format(Locale.ROOT, "/%,d", totalObjects));
    }
    sb.append(" objects | ").append(Printable.bytes(doneBytes));
    if (t != null) {
      sb.append(" / ").append(Printable.bytes(t.bytes()));
    }
    double rate = doneBytes / seconds;
    sb.append(" | ").append(Printable.bytes((long) rate)).append("/s");
    sb.append(String.format(Locale.ROOT, " | %.0f obj/s", doneObjects / seconds));
    if (t != null && doneObjects > 0) {
      double objectShare = totalObjects == 0 ? 1 : (double) doneObjects / totalObjects;
      double byteShare = t.bytes() == 0 ? objectShare : (double) doneBytes / t.bytes();
      double share = Math.max(0.0001, Math.min(1, Math.max(objectShare, byteShare)));
      long eta = (long) (seconds / share - seconds);
      sb.append(" | ETA ").append(duration(eta));
    }
    if (alreadyThere.get() > 0) {
      sb.append(String.format(Locale.ROOT, " | %,d already there", alreadyThere.get()));
    }
    if (failed.get() > 0) {
      sb.append(" | ").append(failed.get()).append(" failed");
    }
    return sb.toString();
  }

  static String duration(long seconds) {
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return seconds / 60 + "m" + String.format(Locale.ROOT, "%02d", seconds % 60) + "s";
    }
    return seconds / 3600 + "h" + String.format(Locale.ROOT, "%02d", seconds % 3600 / 60) + "m";
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    synchronized (this) {
      boolean started = totals != null || objects.get() > 0;
      // An export that failed before it began (unknown ref, bad credentials) gets its error alone,
      // and a log needs no repeat of the round-end line it just got.
      if (started && (terminal || drawnObjects != objects.get())) {
        draw();
      }
      if (terminal && drawnObjects >= 0) {
        err.println();
        err.flush();
      }
    }
  }
}
