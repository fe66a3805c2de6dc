package io.lakeexporter.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class ServerCpuTest {

  @Test
  void theMachinesBusyTimeGrowsByAtLeastTheCpuThisThreadSpends() {
    var threads = ManagementFactory.getThreadMXBean();
    double before = ServerCpu.machineBusySeconds();
    long start = threads.getCurrentThreadCpuTime();
    long sum = 0;
    while (threads.getCurrentThreadCpuTime() - start < 300_000_000L) {
      sum += System.nanoTime() % 7;
    }
    double after = ServerCpu.machineBusySeconds();

    assertThat(sum).isNotNegative();
    // Clock ticks are 10 ms: 0.3 s of this thread's CPU shows as at least 0.25 s.
    assertThat(after - before).isGreaterThanOrEqualTo(0.25);
  }
}
