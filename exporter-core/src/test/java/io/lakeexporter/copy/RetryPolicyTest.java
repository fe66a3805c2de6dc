package io.lakeexporter.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeexporter.storage.RequestRefusedException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  private final RetryPolicy policy = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5));

  @Test
  void transientFaultsAreRetriedUntilTheySucceed() throws IOException {
    var calls = new AtomicInteger();
    RetryPolicy.Result<String> result =
        policy.run(
            () -> {
              if (calls.incrementAndGet() < 3) {
                throw new IOException("connection reset");
              }
              return "done";
            });
    assertThat(result.value()).isEqualTo("done");
    assertThat(result.attempts()).isEqualTo(3);
  }

  @Test
  void attemptsAreBounded() {
    var calls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                policy.run(
                    () -> {
                      calls.incrementAndGet();
                      throw new IOException("still down");
                    }))
        .hasMessage("still down");
    assertThat(calls).hasValue(3);
  }

  /**
   * An I/O failure reported unchecked (the AWS SDK's, reading an answer that broke off) is the same
   * fault: retried, and what finally fails is its IOException, which callers decide by.
   */
  @Test
  void uncheckedIoFailuresAreRetriedAsTheirCause() throws IOException {
    var calls = new AtomicInteger();
    RetryPolicy.Result<String> result =
        policy.run(
            () -> {
              if (calls.incrementAndGet() < 3) {
                throw new UncheckedIOException(new IOException("connection reset"));
              }
              return "done";
            });
    assertThat(result.attempts()).isEqualTo(3);
    var gone = new FileNotFoundException("gone");
    assertThatThrownBy(
            () ->
                policy.run(
                    () -> {
                      throw new UncheckedIOException(gone);
                    }))
        .isSameAs(gone);
  }

  /**
   * A part of a server-side copy is retried inside the copy's own retry: a part that failed every
   * attempt the policy allows is not tried that often again for each attempt of the whole copy.
   */
  @Test
  void aFailureAnInnerRunGaveUpOnIsNotTriedAgainWhole() {
    var parts = new AtomicInteger();
    var wholes = new AtomicInteger();
    assertThatThrownBy(
            () ->
                policy.run(
                    () -> {
                      wholes.incrementAndGet();
                      return policy.run(
                          () -> {
                            parts.incrementAndGet();
                            throw new IOException("503 SlowDown");
                          });
                    }))
        .hasMessage("503 SlowDown")
        .satisfies(e -> assertThat(RetryPolicy.attemptsOf(e)).isEqualTo(3));
    assertThat(wholes).hasValue(1);
    assertThat(parts).hasValue(3);
  }

  /** An inner run allowed fewer attempts than the outer one is tried again whole. */
  @Test
  void aFailureOfAShorterInnerRunIsTriedAgainWhole() {
    var inner = new RetryPolicy(2, Duration.ZERO, Duration.ZERO);
    var parts = new AtomicInteger();
    assertThatThrownBy(
            () ->
                policy.run(
                    () ->
                        inner.run(
                            () -> {
                              parts.incrementAndGet();
                              throw new IOException("503 SlowDown");
                            })))
        .hasMessage("503 SlowDown");
    assertThat(parts).hasValue(6);
  }

  /** Runs an attempt that always fails with {@code fault}; how many times it was tried. */
  private int attemptsAt(IOException fault) {
    var calls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                policy.run(
                    () -> {
                      calls.incrementAndGet();
                      throw fault;
                    }))
        .isSameAs(fault);
    return calls.get();
  }

  @Test
  void missingObjectsAreNotRetried() {
    assertThat(attemptsAt(new FileNotFoundException("gone"))).isEqualTo(1);
  }

  @Test
  void requestsTheStoreRefusedForGoodAreNotRetried() {
    assertThat(attemptsAt(new RequestRefusedException("access denied (403)"))).isEqualTo(1);
    assertThat(attemptsAt(new AccessDeniedException("/x"))).isEqualTo(1);
    assertThat(attemptsAt(new IOException("connection reset"))).isEqualTo(3);
    assertThat(RequestRefusedException.isRefusal(403)).isTrue();
    assertThat(RequestRefusedException.isRefusal(400)).isTrue();
    assertThat(RequestRefusedException.isRefusal(412)).isTrue();
    for (int transientStatus : new int[] {404, 408, 409, 429, 500, 503}) {
      assertThat(RequestRefusedException.isRefusal(transientStatus))
          .as("" + transientStatus)
          .isFalse();
    }
  }

  @Test
  void aPolicyNeedsAnAttemptAndDelaysThatAreNotNegative() {
    assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO))
        .hasMessageContaining("maxAttempts must be at least 1");
    assertThatThrownBy(() -> new RetryPolicy(2, Duration.ofMillis(-1), Duration.ZERO))
        .hasMessageContaining("must not be negative");
    assertThatThrownBy(() -> new RetryPolicy(2, null, Duration.ZERO))
        .hasMessage("baseDelay is null");
  }

  @Test
  void backoffIsJitteredWithinAnExponentialCap() {
    var p = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(1000));
    for (int i = 0; i < 200; i++) {
      assertThat(p.backoff(1).toMillis()).isBetween(0L, 100L);
      assertThat(p.backoff(3).toMillis()).isBetween(0L, 400L);
      assertThat(p.backoff(9).toMillis()).isBetween(0L, 1000L);
    }
  }
}
