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

  private static Tool.Invocation shell(String script) {
    return new Tool.Invocation(List.of("sh", "-c", script), Map.of());
  }
}
