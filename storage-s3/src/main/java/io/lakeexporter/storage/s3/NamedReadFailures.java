package io.lakeexporter.storage.s3;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.function.UnaryOperator;

/**
 * An object's body whose read failures say which object and endpoint they are about. A body read
 * fails after the store's read call returned (an answer that breaks off after its head), where the
 * bare socket failure ("Connection reset") named neither. A body that is also a channel stays one,
 * for the direct-buffer reads of large downloads.
 */
final class NamedReadFailures {

  private NamedReadFailures() {}

  static InputStream of(InputStream body, UnaryOperator<IOException> translate) {
    return body instanceof ReadableByteChannel channel
        ? new ChannelBody(body, channel, translate)
        : new Body(body, translate);
  }

  private static class Body extends InputStream {
    final InputStream in;
    final UnaryOperator<IOException> translate;

    Body(InputStream in, UnaryOperator<IOException> translate) {
      this.in = in;
      this.translate = translate;
    }

    @Override
    public int read() throws IOException {
      try {
        return in.read();
      } catch (IOException e) {
        throw translate.apply(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return in.read(b, off, len);
      } catch (IOException e) {
        throw translate.apply(e);
      }
    }

    @Override
    public long skip(long n) throws IOException {
      try {
        return in.skip(n);
      } catch (IOException e) {
        throw translate.apply(e);
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

    ChannelBody(InputStream in, ReadableByteChannel channel, UnaryOperator<IOException> translate) {
      super(in, translate);
      this.channel = channel;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      try {
        return channel.read(dst);
      } catch (IOException e) {
        throw translate.apply(e);
      }
    }

    @Override
    public boolean isOpen() {
      return channel.isOpen();
    }
  }
}
