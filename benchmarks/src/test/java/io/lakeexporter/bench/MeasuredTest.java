package io.lakeexporter.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeasuredTest {

  @TempDir Path work;

  @Test
  void eachRunStartsItsLogAfresh() throws Exception {
    Path log = work.resolve("run.log");
    Files.writeString(log, "x -> y: 9 objects in 99.9 s\n");
    // A wrapper left by an older build in a reused work directory is replaced.
    Files.writeString(work.resolve("measure.py"), "print('{}')\n");

    Measured measured = Measured.run(work, shell("echo second"), log);

    assertThat(measured.exitCode()).isZero();
    assertThat(Files.readString(log)).isEqualTo("second\n");
    assertThat(RunRecord.ownSeconds(Files.readString(log))).isNaN();
  }

  @Test
  void aDescendantLeftRunningFailsTheRunAndIsKilled() throws Exception {
    Path pidFile = work.resolve("pid");
    long start = System.nanoTime();

    Measured measured =
        Measured.run(work, shell("sleep 60 & echo $! > " + pidFile), work.resolve("run.log"));

    assertThat(measured.exitCode()).isNotZero();
    assertThat((System.nanoTime() - start) / 1e9).isLessThan(30);
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(Files.readString(work.resolve("run.log"))).contains("still running");
  }

  @Test
  void theCpuOfADescendantThatOutlivesItsParentIsCounted() throws Exception {
    String busy = "python3 -c 'import time\nwhile time.process_time() < 0.5: pass'";

    Measured measured = Measured.run(work, shell(busy + " & exit 0"), work.resolve("run.log"));

    assertThat(measured.exitCode()).isZero();
    assertThat(measured.cpuSeconds()).isGreaterThan(0.4);
  }

  private static Tool.Invocation shell(String script) {
    return new Tool.Invocation(List.of("sh", "-c", script), Map.of());
  }
}
