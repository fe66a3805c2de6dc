package io.lakeexporter.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class PagedTest {

  /** Pages of three numbers each, {@code pages} of them; records the offsets asked for. */
  private static Paged.Fetcher<Integer> pages(int pages, List<String> asked) {
    return after -> {
      asked.add(after);
      int page = after.isEmpty() ? 0 : Integer.parseInt(after);
      List<Integer> results = List.of(page * 3, page * 3 + 1, page * 3 + 2);
      boolean more = page + 1 < pages;
      return new Paged.Page<>(results, more, more ? String.valueOf(page + 1) : "");
    };
  }

  @Test
  void everyEntryInOrderWithTheNextPageFetchedWhileThisOneIsConsumed() throws Exception {
    List<String> asked = Collections.synchronizedList(new ArrayList<>());
    var secondAsked = new CountDownLatch(1);
    Paged.Fetcher<Integer> fetcher =
        after -> {
          Paged.Page<Integer> page = pages(4, asked).fetch(after);
          if (after.equals("1")) {
            secondAsked.countDown();
          }
          return page;
        };
    try (Stream<Integer> listing = Paged.stream(fetcher)) {
      Iterator<Integer> it = listing.iterator();
      assertThat(it.next()).isZero();
      assertThat(secondAsked.await(5, TimeUnit.SECONDS))
          .as("page 2 is asked for while page 1 is consumed")
          .isTrue();
      var rest = new ArrayList<Integer>();
      it.forEachRemaining(rest::add);
      assertThat(rest).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
    }
    assertThat(asked).containsExactly("", "1", "2", "3");
  }

  @Test
  void aPageThatFailsAheadFailsWhereTheListingReachesIt() {
    Paged.Fetcher<Integer> fetcher =
        after -> {
          if (after.equals("2")) {
            throw new IllegalStateException("lakeFS went away at page 3");
          }
          return pages(5, new ArrayList<>()).fetch(after);
        };
    var seen = new ArrayList<Integer>();
    try (Stream<Integer> listing = Paged.stream(fetcher)) {
      assertThatThrownBy(() -> listing.forEach(seen::add))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("lakeFS went away at page 3");
    }
    assertThat(seen).containsExactly(0, 1, 2, 3, 4, 5);
  }

  @Test
  void aServerRepeatingAnOffsetIsCaughtNotFollowedForever() {
    Paged.Fetcher<Integer> stuck = after -> new Paged.Page<>(List.of(1), true, "same");
    try (Stream<Integer> listing = Paged.stream(stuck)) {
      assertThatThrownBy(() -> listing.forEach(i -> {}))
          .hasMessageContaining("same page offset twice: same");
    }
  }

  @Test
  void aListingClosedEarlyStopsAfterThePageFetchedAhead() throws Exception {
    List<String> asked = Collections.synchronizedList(new ArrayList<>());
    try (Stream<Integer> listing = Paged.stream(pages(100, asked))) {
      assertThat(listing.limit(2)).containsExactly(0, 1);
    }
    Thread.sleep(100);
    assertThat(asked).as("the first page and at most the one after it").hasSizeLessThan(3);
  }
}
