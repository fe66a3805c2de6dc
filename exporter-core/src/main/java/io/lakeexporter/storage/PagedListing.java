package io.lakeexporter.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A store's listing stream that fails as {@link ObjectStore#list} promises: SDK paginators fetch
 * each page (the first one too) as the stream is consumed, and throw their own unchecked exceptions
 * there, which would reach the caller untranslated, without bucket or endpoint.
 */
public final class PagedListing {

  private PagedListing() {}

  /**
   * {@code pages} with every {@link RuntimeException} it throws while consumed (other than an
   * {@link UncheckedIOException}) turned by {@code translate} into the store's IOException, thrown
   * as an UncheckedIOException.
   */
  public static <T> Stream<T> translated(
      Stream<T> pages, Function<RuntimeException, IOException> translate) {
    Objects.requireNonNull(pages, "pages is null");
    Objects.requireNonNull(translate, "translate is null");
    Spliterator<T> inner = pages.spliterator();
    Spliterator<T> outer =
        new Spliterator<>() {
          @Override
          public boolean tryAdvance(Consumer<? super T> action) {
            try {
              return inner.tryAdvance(action);
            } catch (UncheckedIOException e) {
              throw e;
            } catch (RuntimeException e) {
              throw new UncheckedIOException(translate.apply(e));
            }
          }

          @Override
          public Spliterator<T> trySplit() {
            return null;
          }

          @Override
          public long estimateSize() {
            return inner.estimateSize();
          }

          @Override
          public int characteristics() {
            return inner.characteristics() & ~(Spliterator.SIZED | Spliterator.SUBSIZED);
          }
        };
    return StreamSupport.stream(outer, false).onClose(pages::close);
  }
}
