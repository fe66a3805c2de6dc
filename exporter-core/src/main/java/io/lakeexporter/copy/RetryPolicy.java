package io.lakeexporter.copy;

import io.lakeexporter.storage.RequestRefusedException;
import io.lakeexporter.storage.UnsupportedStoreOperationException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.file.AccessDeniedException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries transient storage faults with exponential backoff and full jitter, so that many workers
 * hitting the same throttled store do not retry in lock step. A missing object, an unsupported
 * operation, a request the store refused for good or an interrupt is never retried.
 *
 * @param maxAttempts attempts in all, at least 1
 * @param baseDelay the first backoff's upper bound
 * @param maxDelay no backoff is longer
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {

  public static final RetryPolicy DEFAULT =
      new RetryPolicy(4, Duration.ofMillis(200), Duration.ofSeconds(10));

  private static final Logger LOG = LoggerFactory.getLogger(RetryPolicy.class);

  public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
    }
    Objects.requireNonNull(baseDelay, "baseDelay is null");
    Objects.requireNonNull(maxDelay, "maxDelay is null");
    if (baseDelay.isNegative() || maxDelay.isNegative()) {
      throw new IllegalArgumentException(
          "backoff delays must not be negative: " + baseDelay + ", " + maxDelay);
    }
  }

  /** Something to try again. */
  @FunctionalInterface
  public interface Attempt<T> {
    T run() throws IOException;
  }

  /** The value and how many attempts it took. */
  public record Result<T>(T value, int attempts) {}

  public <T> Result<T> run(Attempt<T> attempt) throws IOException {
    for (int n = 1; ; n++) {
      try {
        return new Result<>(attempt.run(), n);
      } catch (IOException | UncheckedIOException thrown) {
        // A store, or a client library under it (the AWS SDK reading a broken answer), may report
        // an I/O failure unchecked: it is the same fault, and as worth another attempt.
        IOException e =
            thrown instanceof UncheckedIOException unchecked
                ? unchecked.getCause()
                : (IOException) thrown;
        // A failure that a run inside this one already tried as often as allowed (a part of a
        // server-side copy, sent again alone) is not tried again whole: that would multiply the
        // requests to a store that keeps refusing them.
        if (n >= maxAttempts || !isTransient(e) || attemptsOf(e) >= maxAttempts) {
          throw AttemptsMade.mark(e, n);
        }
        Duration wait = backoff(n);
        LOG.debug(
            "attempt {} of {} failed ({}); again in {} ms", n, maxAttempts, e, wait.toMillis());
        sleep(wait);
      }
    }
  }

  /**
   * How many attempts the operation that failed with {@code e} made: what the policy that gave up
   * on it counted (the most, where a part's retries ran inside an object's), else 1.
   */
  public static int attemptsOf(Throwable e) {
    int attempts = 1;
    for (Throwable s : e.getSuppressed()) {
      if (s instanceof AttemptsMade made) {
        attempts = Math.max(attempts, made.attempts);
      }
    }
    return attempts;
  }

  /**
   * The attempts a failure took, carried as a suppressed exception: the failure keeps its own type
   * (a missing object stays a FileNotFoundException), which callers decide by.
   */
  private static final class AttemptsMade extends Exception {
    private static final long serialVersionUID = 1L;
    private final int attempts;

    private AttemptsMade(int attempts) {
      super("after " + attempts + " attempts", null, false, false);
      this.attempts = attempts;
    }

    static IOException mark(IOException e, int attempts) {
      if (attempts > attemptsOf(e)) {
        e.addSuppressed(new AttemptsMade(attempts));
      }
      return e;
    }
  }

  /** Whether retrying may help. */
  public static boolean isTransient(IOException e) {
    return !(e instanceof FileNotFoundException
        || e instanceof UnsupportedStoreOperationException
        || e instanceof RequestRefusedException
        || e instanceof AccessDeniedException
        || e instanceof InterruptedIOException && !(e instanceof SocketTimeoutException));
  }

  Duration backoff(int attempt) {
    long cap = Math.min(maxDelay.toMillis(), baseDelay.toMillis() << Math.min(attempt - 1, 20));
    return Duration.ofMillis(cap <= 0 ? 0 : ThreadLocalRandom.current().nextLong(cap + 1));
  }

  private static void sleep(Duration d) throws InterruptedIOException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while backing off");
    }
  }
}
