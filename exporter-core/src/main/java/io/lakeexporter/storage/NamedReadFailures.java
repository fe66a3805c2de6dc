package io.lakeexporter.storage;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.function.UnaryOperator;

/**
 * An object's body whose read failures say which object and endpoint they are about. A body read
 * fails after the store's read call returned (an answer that breaks off after its head), where the
 * bare socket failure ("Connection reset", "closed", "unexpected end of stream") named neither. A
 * body that is also a channel stays one, for the direct-buffer reads of large downloads.
 */
public final class NamedReadFailures {

  private NamedReadFailures() {}

  /** How a read failure is said: the failure, and how many bytes the body had given before it. */
  @FunctionalInterface
  public interface Said {
    IOException of(IOException failure, long bytesRead);
  }

  /** {@code body}, its failures as {@code translate} says them. */
  public static InputStream of(InputStream body, UnaryOperator<IOException> translate) {
    return of(body, -1, (e, read) -> translate.apply(e));
  }

  /**
   * {@code body}, its failures as {@code said} says them. A body that ends before the {@code
   * announced} length (negative: none announced) fails too, with an {@link EOFException}: some
   * clients ({@code HttpURLConnection}) report that end as any other.
   */
  public static InputStream of(InputStream body, long announced, Said said) {
    return body instanceof ReadableByteChannel channel
        ? new ChannelBody(body, announced, said, channel)
        : new Body(body, announced, said);
  }

  /**
   * A failure of the same kind as {@code e}, which retries go by (a timeout is tried again, an
   * interrupt is not), with {@code message} instead of its own: the client's own words may hold a
   * URL with its signature.
   */
  public static IOException sameKind(IOException e, String message) {
    if (e instanceof SocketTimeoutException) {
      return new SocketTimeoutException(message);
    }
    return e instanceof InterruptedIOException
        ? new InterruptedIOException(message)
        : new IOException(message);
  }

  private static class Body extends InputStream {
    final InputStream in;
    final long announced;
    final Said said;
    long read;

    Body(InputStream in, long announced, Said said) {
      this.in = in;
      this.announced = announced;
      this.said = said;
    }

    /** Counts {@code n} bytes read, or checks the end against what the answer announced. */
    final int counted(int n) throws IOException {
      if (n < 0 && announced >= 0 && read < announced) {
        throw said.of(new EOFException("the answer ended before its announced length"), read);
      }
      read += Math.max(0, n);
      return n;
    }

    @Override
    public int read() throws IOException {
      int b;
      try {
        b = in.read();
      } catch (IOException e) {
        throw said.of(e, read);
      }
      return counted(b < 0 ? -1 : 1) < 0 ? -1 : b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n;
      try {
        n = in.read(b, off, len);
      } catch (IOException e) {
        throw said.of(e, read);
      }
      return counted(n);
    }

    @Override
    public long skip(long n) throws IOException {
      try {
        long skipped = in.skip(n);
        read += skipped;
        return skipped;
      } catch (IOException e) {
        throw said.of(e, read);
      }
    }

    @Override
    public int available() throws IOException {
      return in.available();
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  private static final class ChannelBody extends Body implements ReadableByteChannel {
    private final ReadableByteChannel channel;

    ChannelBody(InputStream in, long announced, Said said, ReadableByteChannel channel) {
      super(in, announced, said);
      this.channel = channel;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      int n;
      try {
        n = channel.read(dst);
      } catch (IOException e) {
        throw said.of(e, read);
      }
      return counted(n);
    }

    @Override
    public boolean isOpen() {
      return channel.isOpen();
    }
  }
}
