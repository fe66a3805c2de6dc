package io.lakeexporter.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeexporter.source.DiffEntry;
import io.lakeexporter.source.DiffEntry.Type;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class DiffUnionTest {

  private static DiffEntry d(Type type, String path, long size) {
    return new DiffEntry(type, path, size);
  }

  /**
   * From P (the destination's) and from X (an export stopped part-way) to the HEAD: each key once,
   * in key order, as the HEAD has it.
   */
  @Test
  void twoDiffsToOneHeadGiveEachKeyOnceAsTheHeadHasIt() {
    var closed = new AtomicInteger();
    Stream<DiffEntry> fromP =
        Stream.of(
                d(Type.ADDED, "a", 1), // new since P, and since X
                d(Type.CHANGED, "c", 3),
                d(Type.REMOVED, "r", 0))
            .onClose(closed::incrementAndGet);
    Stream<DiffEntry> fromX =
        Stream.of(
                d(Type.CHANGED, "a", 1), // X had its own a
                d(Type.REMOVED, "k", 0), // X added k, the HEAD has none
                d(Type.ADDED, "q", 5), // X removed q, the HEAD has P's again
                d(Type.REMOVED, "r", 0))
            .onClose(closed::incrementAndGet);
    try (Stream<DiffEntry> union = DiffUnion.of(List.of(fromP, fromX))) {
      assertThat(union.toList())
          .containsExactly(
              d(Type.CHANGED, "a", 1),
              d(Type.CHANGED, "c", 3),
              d(Type.REMOVED, "k", 0),
              // Every copy a change: the stopped export may have written its key already.
              d(Type.CHANGED, "q", 5),
              d(Type.REMOVED, "r", 0));
    }
    assertThat(closed).hasValue(2);
  }

  @Test
  void theStartsAreThePreviousCommitThenEachStoppedExportOnceButTheHead() {
    assertThat(DiffUnion.starts("p", List.of("x", "h", "x", "p", "y"), "h"))
        .containsExactly("p", "x", "y");
    assertThat(DiffUnion.starts("p", List.of(), "h")).containsExactly("p");
  }
}
