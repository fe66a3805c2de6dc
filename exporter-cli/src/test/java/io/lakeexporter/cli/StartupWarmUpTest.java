package io.lakeexporter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StartupWarmUpTest {

  /**
   * A step that fails is skipped quietly at run time, so a renamed class or a changed JDK would
   * only make the start slower: this is where it shows.
   */
  @Test
  void everyStepRunsOnThisClassPath() {
    assertThat(StartupWarmUp.warmUp()).isEmpty();
  }
}
