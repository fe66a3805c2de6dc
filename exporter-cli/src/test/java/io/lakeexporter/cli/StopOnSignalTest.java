package io.lakeexporter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class StopOnSignalTest {

  @Test
  void anExportThatEndsInTimeHasTheLastWord() throws Exception {
    var said = new StringWriter();
    var exportStarted = new CountDownLatch(1);
    var stop = new AtomicReference<StopOnSignal>();
    Thread exporting =
        new Thread(
            () -> {
              exportStarted.countDown();
              try {
                new CountDownLatch(1).await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                stop.get().exportEnded(); // aborted, status file written, summary printed
              }
            });
    stop.set(new StopOnSignal(exporting, new PrintWriter(said, true), 30_000));
    exporting.start();
    exportStarted.await();

    stop.get().hook().run();

    exporting.join();
    assertThat(said.toString())
        .startsWith(
            "stopping: aborting the copies in flight and writing the status file (up to 30 s)")
        .doesNotContain("stopped without");
  }

  @Test
  void anExportThatDoesNotEndInTimeIsNotLeftUnsaid() throws Exception {
    var said = new StringWriter();
    var interrupted = new CountDownLatch(1);
    var released = new CountDownLatch(1);
    Thread exporting =
        new Thread(
            () -> {
              while (released.getCount() > 0) {
                try {
                  released.await();
                } catch (InterruptedException e) {
                  interrupted.countDown(); // a store that does not answer: it goes on waiting
                }
              }
            });
    exporting.start();
    var stop = new StopOnSignal(exporting, new PrintWriter(said, true), 200);

    stop.hook().run();

    assertThat(interrupted.await(10, TimeUnit.SECONDS)).as("the export was interrupted").isTrue();
    assertThat(said.toString())
        .contains("stopped without the export's end: its store did not answer in time")
        .contains("incomplete multipart uploads")
        .contains("the status file may not have been written");
    released.countDown();
    exporting.join();
  }
}
