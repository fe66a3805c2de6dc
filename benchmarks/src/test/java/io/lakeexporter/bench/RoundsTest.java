package io.lakeexporter.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RoundsTest {

  private static final List<Tool> ABLE =
      List.of(named(ExporterCliTool.NAME), named(RcloneTool.NAME), named(CopyTool.NAME));

  @Test
  void withoutWarmUpsTheCliRecordsItsClassArchiveAloneBeforeTheTimedRuns() {
    assertThat(BenchmarkMain.archiveRun(Profile.smoke(), ABLE)).isTrue();
    assertThat(names(BenchmarkMain.round(ABLE, 0, true))).containsExactly(ExporterCliTool.NAME);
  }

  @Test
  void aWarmUpRecordsItAndEveryToolWarmsUp() {
    assertThat(BenchmarkMain.archiveRun(Profile.full(), ABLE)).isFalse();
    assertThat(BenchmarkMain.archiveRun(Profile.smoke(), ABLE.subList(1, 3))).isFalse();
    assertThat(names(BenchmarkMain.round(ABLE, 0, false)))
        .containsExactly(CopyTool.NAME, ExporterCliTool.NAME, RcloneTool.NAME);
  }

  @Test
  void theOrderRotatesEveryRound() {
    assertThat(names(BenchmarkMain.round(ABLE, 1, false)))
        .containsExactly(ExporterCliTool.NAME, RcloneTool.NAME, CopyTool.NAME);
    assertThat(names(BenchmarkMain.round(ABLE, 2, false)))
        .containsExactly(RcloneTool.NAME, CopyTool.NAME, ExporterCliTool.NAME);
  }

  private static List<String> names(List<Tool> tools) {
    return tools.stream().map(Tool::name).toList();
  }

  private static Tool named(String name) {
    return new Tool() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Invocation invocation(Scenario scenario, Place destination) {
        throw new UnsupportedOperationException();
      }
    };
  }
}
