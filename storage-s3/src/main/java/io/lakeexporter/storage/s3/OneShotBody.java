package io.lakeexporter.storage.s3;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkPlugin;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;

/**
 * A request body read from a stream exactly once, without buffering it. The SDK may ask for the
 * stream again before reading any of it (signing does); asking after a partial read fails, and the
 * copy engine's retry starts over from the source. A failure of the source stream itself is kept,
 * so that the caller reports it rather than the SDK's retry.
 */
final class OneShotBody {

  private final AtomicBoolean read = new AtomicBoolean();
  private final AtomicReference<IOException> failure = new AtomicReference<>();
  private final InputStream stream;
  private final long length;

  OneShotBody(InputStream source, long length) {
    this.length = length;
    this.stream =
        new FilterInputStream(source) {
          @Override
          public int read() throws IOException {
            read.set(true);
            try {
              return super.read();
            } catch (IOException e) {
              failure.compareAndSet(null, e);
              throw e;
            }
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            read.set(true);
            try {
              return super.read(b, off, len);
            } catch (IOException e) {
              failure.compareAndSet(null, e);
              throw e;
            }
          }

          @Override
          public void close() {
            // the caller owns the source stream
          }
        };
  }

  RequestBody requestBody() {
    ContentStreamProvider provider =
        () -> {
          if (read.get()) {
            IOException cause = failure.get();
            throw new UncheckedIOException(
                cause != null ? cause : new IOException("the source stream cannot be replayed"));
          }
          return stream;
        };
    return RequestBody.fromContentProvider(provider, length, "application/octet-stream");
  }

  /**
   * Sends a request with such a body once, leaving retries to the copy engine. The SDK would retry
   * a throttled or failed attempt, find the body consumed and fail with "cannot be replayed",
   * dropping the store's own answer (503 SlowDown, 500 InternalError) from the error reported. Also
   * for a part copy, which the engine retries part by part, and a batch delete, which it retries
   * whole: the SDK's tries under the engine's would multiply the requests to a throttled store.
   */
  static void notRetriedBySdk(AwsRequestOverrideConfiguration.Builder request) {
    request.addPlugin(NOT_RETRIED);
  }

  private static final SdkPlugin NOT_RETRIED =
      config ->
          config.overrideConfiguration(
              config.overrideConfiguration().toBuilder()
                  .retryStrategy(AwsRetryStrategy.doNotRetry())
                  .build());

  /** The source stream's own failure, if it failed. */
  Optional<IOException> failure() {
    return Optional.ofNullable(failure.get());
  }
}
