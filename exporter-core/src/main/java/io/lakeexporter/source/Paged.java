package io.lakeexporter.source;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A lazily paged listing: one page in memory at a time, the next fetched only when the previous is
 * consumed.
 */
final class Paged<T> implements Iterator<T> {

  /** One page of results and where the next one starts. */
  record Page<T>(List<T> results, boolean hasMore, String nextOffset) {}

  /** Fetches the page after {@code after} (empty for the first). */
  @FunctionalInterface
  interface Fetcher<T> {
    Page<T> fetch(String after);
  }

  private final Fetcher<T> fetcher;
  private Iterator<T> current = List.<T>of().iterator();
  private String nextOffset = "";
  private boolean more = true;

  private Paged(Fetcher<T> fetcher) {
    this.fetcher = fetcher;
  }

  static <T> Stream<T> stream(Fetcher<T> fetcher) {
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(
            new Paged<>(fetcher), Spliterator.ORDERED | Spliterator.NONNULL),
        false);
  }

  @Override
  public boolean hasNext() {
    while (!current.hasNext() && more) {
      Page<T> page = fetcher.fetch(nextOffset);
      current = page.results().iterator();
      more = page.hasMore() && page.nextOffset() != null && !page.nextOffset().isEmpty();
      if (more && page.nextOffset().equals(nextOffset)) {
        throw new IllegalStateException(
            "lakeFS returned the same page offset twice: " + nextOffset);
      }
      nextOffset = page.nextOffset();
    }
    return current.hasNext();
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return current.next();
  }
}
