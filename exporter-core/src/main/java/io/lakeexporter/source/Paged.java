package io.lakeexporter.source;

import io.lakeexporter.storage.Parallel;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A lazily paged listing: the page being consumed and the next one, fetched in the background while
 * this one is consumed, so that the actions of a listing do not wait for lakeFS at every 1000th
 * entry. At most two pages are in memory.
 */
final class Paged<T> implements Iterator<T> {

  /** Fetches pages ahead; its threads end when idle, so a finished export leaves none. */
  private static final ExecutorService AHEAD =
      Executors.newCachedThreadPool(Parallel.daemonThreads("lakefs-listing"));

  /** One page of results and where the next one starts. */
  record Page<T>(List<T> results, boolean hasMore, String nextOffset) {}

  /** Fetches the page after {@code after} (empty for the first). */
  @FunctionalInterface
  interface Fetcher<T> {
    Page<T> fetch(String after);
  }

  private final Fetcher<T> fetcher;
  private Iterator<T> current = List.<T>of().iterator();
  private CompletableFuture<Page<T>> following;
  private String nextOffset = "";
  private boolean more = true;

  private Paged(Fetcher<T> fetcher) {
    this.fetcher = fetcher;
  }

  static <T> Stream<T> stream(Fetcher<T> fetcher) {
    var paged = new Paged<>(fetcher);
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(paged, Spliterator.ORDERED | Spliterator.NONNULL),
            false)
        .onClose(paged::stopFetchingAhead);
  }

  @Override
  public boolean hasNext() {
    while (!current.hasNext() && more) {
      Page<T> page = following != null ? awaitFollowing() : fetcher.fetch(nextOffset);
      current = page.results().iterator();
      more = page.hasMore() && page.nextOffset() != null && !page.nextOffset().isEmpty();
      if (more && page.nextOffset().equals(nextOffset)) {
        throw new IllegalStateException(
            "lakeFS returned the same page offset twice: " + nextOffset);
      }
      nextOffset = page.nextOffset();
      if (more) {
        String after = nextOffset;
        following = CompletableFuture.supplyAsync(() -> fetcher.fetch(after), AHEAD);
      }
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

  /** The page fetched ahead; its failure is thrown here, where the listing reached it. */
  private Page<T> awaitFollowing() {
    CompletableFuture<Page<T>> page = following;
    following = null;
    try {
      return page.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  /** A listing closed before its end does not need the page fetched ahead. */
  private void stopFetchingAhead() {
    if (following != null) {
      following.cancel(false);
      following = null;
    }
  }
}
