package io.lakeexporter.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * The next bytes of a stream that make one part, when the stream goes on with the parts after it (a
 * large write cut into parts, a ranged read that covers several): it ends where the part does,
 * closing it leaves the stream open, and it is a channel when the stream is one, so that a store
 * reading channels through a direct buffer (the local one) still does.
 */
public sealed class PartSlice extends InputStream permits PartSlice.ChannelSlice {

  /** A slice of the next {@code length} bytes of {@code in}. */
  public static PartSlice of(InputStream in, long length) {
    return in instanceof ReadableByteChannel channel
        ? new ChannelSlice(in, channel, length)
        : new PartSlice(in, length);
  }

  private final InputStream in;
  long remaining;

  private PartSlice(InputStream in, long length) {
    this.in = in;
    this.remaining = length;
  }

  /** Bytes of the part not read yet: a store that returns before reading them all left some. */
  public final long remaining() {
    return remaining;
  }

  @Override
  public final int read() throws IOException {
    if (remaining <= 0) {
      return -1;
    }
    int b = in.read();
    if (b >= 0) {
      remaining--;
    }
    return b;
  }

  @Override
  public final int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (remaining <= 0) {
      return -1;
    }
    int n = in.read(b, off, (int) Math.min(len, remaining));
    if (n > 0) {
      remaining -= n;
    }
    return n;
  }

  @Override
  public final int available() throws IOException {
    return (int) Math.min(in.available(), remaining);
  }

  /** Leaves the stream open: the next part is read from it. */
  @Override
  public void close() {}

  public static final class ChannelSlice extends PartSlice implements ReadableByteChannel {
    private final ReadableByteChannel channel;
    private boolean open = true;

    private ChannelSlice(InputStream in, ReadableByteChannel channel, long length) {
      super(in, length);
      this.channel = channel;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      if (!dst.hasRemaining()) {
        return 0;
      }
      if (remaining <= 0) {
        return -1;
      }
      int limit = dst.limit();
      if (dst.remaining() > remaining) {
        dst.limit(dst.position() + (int) remaining);
      }
      try {
        int n = channel.read(dst);
        if (n > 0) {
          remaining -= n;
        }
        return n;
      } finally {
        dst.limit(limit);
      }
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() {
      open = false;
    }
  }
}
