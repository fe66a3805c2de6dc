package io.lakeexporter.cli;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C or a SIGTERM during an export: the JVM runs its shutdown hooks and then halts, whatever
 * the export's threads are doing. Left at that, uploads in flight stay open at the destination
 * (billed parts on S3), half-written temporary files stay beside their targets, and no status file
 * says the export stopped. This hook interrupts the exporting thread instead, which is how an
 * export is cancelled, and holds the halt until the export has aborted what it started, written its
 * {@code FAILURE} status file and printed its summary, for up to {@link #GRACE_SECONDS}.
 */
final class StopOnSignal {

  /** A copy in parts waits up to 30 s for the parts being written; the status file comes after. */
  static final long GRACE_SECONDS = 60;

  private final Thread hook;
  private final CountDownLatch ended = new CountDownLatch(1);

  StopOnSignal(Thread exporting, PrintWriter err, long graceMillis) {
    this.hook =
        new Thread(
            () -> {
              err.println(
                  "stopping: aborting the copies in flight and writing the status file (up to "
                      + TimeUnit.MILLISECONDS.toSeconds(graceMillis)
                      + " s)");
              err.flush();
              exporting.interrupt();
              boolean inTime = false;
              try {
                inTime = ended.await(graceMillis, TimeUnit.MILLISECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              if (!inTime) {
                // The process halts now, with no summary: say what may be left behind.
                err.println(
                    "stopped without the export's end: its store did not answer in time. Uploads"
                        + " in flight may stay open at the destination (an S3 lifecycle rule for"
                        + " incomplete multipart uploads removes them), and the status file may"
                        + " not have been written");
                err.flush();
              }
            },
            "lakefs-export-stop");
  }

  /** Stops the calling thread's export on a signal, until {@link #exportEnded}. */
  static StopOnSignal install(PrintWriter err) {
    var stop =
        new StopOnSignal(Thread.currentThread(), err, TimeUnit.SECONDS.toMillis(GRACE_SECONDS));
    Runtime.getRuntime().addShutdownHook(stop.hook);
    return stop;
  }

  /** What the signal runs; for tests, which run it without a signal. */
  Thread hook() {
    return hook;
  }

  /** The export returned or threw: a signal from now on ends the process at once. */
  void exportEnded() {
    ended.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running: it returns now that the latch is open.
    }
  }
}
