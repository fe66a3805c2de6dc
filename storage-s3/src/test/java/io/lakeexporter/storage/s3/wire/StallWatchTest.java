package io.lakeexporter.storage.s3.wire;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class StallWatchTest {

  /** Its client closes the socket when this fails: a checked exception it cannot miss. */
  @Test
  void aClosedWatchRefusesMoreWithAnIoException() {
    var watch = new StallWatch(1000);
    watch.close();
    var never =
        new StallWatch.Watched() {
          @Override
          public long waitingSince() {
            return 0;
          }

          @Override
          public void stalled() {}
        };
    assertThatThrownBy(() -> watch.add(never))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("closed");
  }
}
