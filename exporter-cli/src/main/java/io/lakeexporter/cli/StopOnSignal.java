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

  private StopOnSignal(Thread exporting, PrintWriter err) {
    this.hook =
        new Thread(
            () -> {
              err.println(
                  "stopping: aborting the copies in flight and writing the status file (up to "
                      + GRACE_SECONDS
                      + " s)");
              err.flush();
              exporting.interrupt();
              try {
                ended.await(GRACE_SECONDS, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "lakefs-export-stop");
  }

  /** Stops the calling thread's export on a signal, until {@link #exportEnded}. */
  static StopOnSignal install(PrintWriter err) {
    var stop = new StopOnSignal(Thread.currentThread(), err);
    Runtime.getRuntime().addShutdownHook(stop.hook);
    return stop;
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
