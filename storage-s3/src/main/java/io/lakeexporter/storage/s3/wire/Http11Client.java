package io.lakeexporter.storage.s3.wire;

import io.lakeexporter.storage.ConnectionFailures;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Deque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A small blocking HTTP/1.1 client for S3's per-object requests (CopyObject, GET, DELETE, and PUT
 * of bodies small enough to hold in memory), with keep-alive connections pooled per origin.
 *
 * <p>Why not a general client: measured against S3Proxy on 2 cores, a CopyObject costs the AWS SDK
 * about 1 ms of client CPU and the JDK's HttpClient 0.5 ms, while a blocking socket with buffered
 * streams needs 0.1 ms; with thousands of small objects the client's CPU is what the store's server
 * no longer gets. It speaks only what those requests need: fixed, chunked and close-delimited
 * bodies, TLS with host-name verification, no proxies and no redirects (callers keep those requests
 * on the SDK).
 *
 * <p>A pooled connection the server has meanwhile closed fails before any answer arrives; such a
 * request is sent again once on a new connection, which is safe for the idempotent requests this
 * client is for (a PUT of the same bytes to the same key included). A request that timed out is not
 * sent again: the server may still be working on it. Nor is one from an interrupted thread, which
 * fails with {@link InterruptedIOException} before it takes a pooled connection (writing to a
 * channel from an interrupted thread closes the channel).
 */
public final class Http11Client implements AutoCloseable {

  private static final int MAX_LINE = 16 * 1024;
  private static final int READ_BUFFER = 64 * 1024;

  private final int connectTimeoutMillis;
  private final int readTimeoutMillis;
  private final int maxIdlePerOrigin;
  private final Map<Origin, Deque<Connection>> idle = new ConcurrentHashMap<>();
  private final AtomicInteger opened = new AtomicInteger();
  private final StallWatch stalls;
  private volatile boolean closed;

  /**
   * @param readTimeout how long an answer may keep the client waiting for its next bytes (and a
   *     request for the server to take them); zero waits forever
   */
  public Http11Client(Duration connectTimeout, Duration readTimeout, int maxIdlePerOrigin) {
    this.connectTimeoutMillis = Math.toIntExact(connectTimeout.toMillis());
    this.readTimeoutMillis = Math.toIntExact(readTimeout.toMillis());
    this.maxIdlePerOrigin = maxIdlePerOrigin;
    this.stalls = readTimeoutMillis > 0 ? new StallWatch(readTimeoutMillis) : null;
  }

  /** Scheme, host and port of a server; {@link #hostHeader()} is what requests name it by. */
  public record Origin(boolean tls, String host, int port) {

    // Written out: the pool looks an origin up on every request, and the generated methods go
    // through method handles that the quick compiler does not inline (2 % of a run's CPU).
    @Override
    public boolean equals(Object other) {
      return other instanceof Origin o && tls == o.tls && port == o.port && host.equals(o.host);
    }

    @Override
    public int hashCode() {
      return (host.hashCode() * 31 + port) * 2 + (tls ? 1 : 0);
    }

    public static Origin of(URI uri) {
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new IllegalArgumentException("not an http(s) address: " + uri);
      }
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("no host in " + uri);
      }
      boolean tls = scheme.equals("https");
      return new Origin(tls, uri.getHost(), uri.getPort() < 0 ? (tls ? 443 : 80) : uri.getPort());
    }

    public String hostHeader() {
      boolean defaultPort = port == (tls ? 443 : 80);
      String name = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
      return defaultPort ? name : name + ":" + port;
    }

    @Override
    public String toString() {
      return (tls ? "https://" : "http://") + hostHeader();
    }
  }

  /** Connections opened so far: how tests see that connections are reused. */
  public int connectionsOpened() {
    return opened.get();
  }

  /**
   * Sends a request without a body and returns the answer once its head has arrived. The caller
   * reads or closes the body; a body read to its end gives the connection back to the pool.
   *
   * @param target the request target: the encoded path and query
   * @param headers header names and values, printable ASCII; {@code Host} is added
   */
  public Http11Response execute(
      Origin origin, String method, String target, Map<String, String> headers) throws IOException {
    return execute(origin, method, target, headers, null);
  }

  /**
   * Sends a request with a small body held in memory (a status file, a small object): sent again as
   * it is when a pooled connection turns out closed.
   *
   * @param body the body, or {@code null} for none
   */
  public Http11Response execute(
      Origin origin, String method, String target, Map<String, String> headers, byte[] body)
      throws IOException {
    String head = requestHead(origin, method, target, headers, body);
    boolean sendingAgain = false;
    while (true) {
      if (closed) {
        throw new IOException("the HTTP client is closed");
      }
      if (Thread.currentThread().isInterrupted()) {
        throw interrupted(method, target, origin, null);
      }
      // Sent again on a new connection: the other idle ones may be just as stale.
      Connection connection = sendingAgain ? null : idleConnection(origin);
      boolean reused = connection != null;
      try {
        if (!reused) {
          connection = connect(origin);
        }
        connection.send(head, body);
        return connection.receive(method.equals("HEAD"));
      } catch (IOException e) {
        if (connection != null) {
          connection.close();
        }
        if (e instanceof ClosedByInterruptException || Thread.currentThread().isInterrupted()) {
          throw interrupted(method, target, origin, e);
        }
        if (!reused || !connection.closedBeforeAnswering(e)) {
          throw e;
        }
        sendingAgain = true; // the server closed this idle connection before we used it
      }
    }
  }

  /** The request's method, target and server; a target never carries a credential. */
  private static InterruptedIOException interrupted(
      String method, String target, Origin origin, IOException cause) {
    var e =
        new InterruptedIOException(
            method + " " + target + " to " + origin + ": the thread was interrupted");
    e.initCause(cause);
    return e;
  }

  private static String requestHead(
      Origin origin, String method, String target, Map<String, String> headers, byte[] body) {
    var head = new StringBuilder(256 + headers.size() * 64);
    head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    head.append("Host: ").append(origin.hostHeader()).append("\r\n");
    for (Map.Entry<String, String> header : headers.entrySet()) {
      if (header.getKey().equalsIgnoreCase("host")) {
        continue;
      }
      requirePrintable(header.getKey(), "header name");
      requirePrintable(header.getValue(), "value of header " + header.getKey());
      head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
    }
    if (body != null) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    } else if (method.equals("PUT") || method.equals("POST")) {
      head.append("Content-Length: 0\r\n");
    }
    return head.append("\r\n").toString();
  }

  /** Whether {@code text} can travel as an HTTP/1.1 header unchanged (printable ASCII, tab). */
  public static boolean isPrintable(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ((c < 0x20 && c != '\t') || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  private static void requirePrintable(String text, String what) {
    if (!isPrintable(text)) {
      throw new IllegalArgumentException(what + " holds characters HTTP/1.1 headers cannot carry");
    }
  }

  private Connection idleConnection(Origin origin) {
    Deque<Connection> pool = idle.get(origin);
    return pool == null ? null : pool.pollFirst();
  }

  private void release(Connection connection) {
    if (closed) {
      connection.close();
      return;
    }
    Deque<Connection> pool =
        idle.computeIfAbsent(connection.origin, o -> new ConcurrentLinkedDeque<>());
    if (pool.size() >= maxIdlePerOrigin) {
      connection.close();
    } else {
      pool.offerFirst(connection);
    }
  }

  private Connection connect(Origin origin) throws IOException {
    SocketChannel channel = SocketChannel.open();
    Socket socket = channel.socket();
    try {
      socket.setTcpNoDelay(true);
      // A timed connect leaves the channel blocking again: each read is one system call, and
      // plain connections get their read timeout from the stall watch.
      socket.connect(new InetSocketAddress(origin.host(), origin.port()), connectTimeoutMillis);
      Socket ready = socket;
      if (origin.tls()) {
        socket.setSoTimeout(readTimeoutMillis);
        var tls =
            (SSLSocket)
                ((SSLSocketFactory) SSLSocketFactory.getDefault())
                    .createSocket(socket, origin.host(), origin.port(), true);
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(parameters);
        tls.startHandshake();
        ready = tls;
      }
      opened.incrementAndGet();
      return new Connection(origin, ready, origin.tls() ? null : stalls);
    } catch (IOException e) {
      channel.close();
      throw new IOException(
          "cannot connect to "
              + origin
              + ": "
              + ConnectionFailures.describe(e).orElse(String.valueOf(e.getMessage())),
          e);
    }
  }

  @Override
  public void close() {
    closed = true;
    idle.values().forEach(pool -> pool.forEach(Connection::close));
    idle.clear();
    if (stalls != null) {
      stalls.close();
    }
  }

  /** One socket; serves one request at a time. */
  private final class Connection implements StallWatch.Watched {
    private final Origin origin;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    // The connection's own read buffer rather than a BufferedInputStream: that one takes a lock
    // for every byte, and the heads of answers are read byte by byte.
    private final byte[] buffer = new byte[READ_BUFFER];
    private int position;
    private int limit;
    private boolean requestSent;
    private boolean answerBegun;
    private final StallWatch watch;
    private volatile long waitingSince;
    private volatile boolean stalled;

    /**
     * @param watch times out its reads and writes; {@code null} when the socket has a timeout
     */
    Connection(Origin origin, Socket socket, StallWatch watch) throws IOException {
      this.origin = origin;
      this.socket = socket;
      this.in = socket.getInputStream();
      this.out = new BufferedOutputStream(socket.getOutputStream(), 4 * 1024);
      this.watch = watch;
      if (watch != null) {
        watch.add(this);
      }
    }

    @Override
    public long waitingSince() {
      return waitingSince;
    }

    @Override
    public void stalled() {
      stalled = true;
      close();
    }

    private void startWaiting() {
      if (watch != null) {
        waitingSince = System.nanoTime() | 1; // never 0, which means not waiting
      }
    }

    /** The error of a wait that ended: the stall watch's timeout if it closed the socket. */
    private IOException waitFailed(IOException e) {
      waitingSince = 0;
      if (stalled) {
        var timeout =
            new SocketTimeoutException(
                origin + " kept the connection waiting longer than " + readTimeoutMillis + " ms");
        timeout.initCause(e);
        return timeout;
      }
      return e;
    }

    private int socketRead(byte[] b, int off, int len) throws IOException {
      startWaiting();
      try {
        int n = in.read(b, off, len);
        waitingSince = 0;
        return n;
      } catch (IOException e) {
        throw waitFailed(e);
      }
    }

    /** Reads more into the empty buffer; false at the end of the stream. */
    private boolean fill() throws IOException {
      int n = socketRead(buffer, 0, buffer.length);
      if (n <= 0) {
        return false;
      }
      answerBegun = true;
      position = 0;
      limit = n;
      return true;
    }

    /** Up to {@code len} bytes: what is buffered first, then straight from the socket. */
    private int readBytes(byte[] b, int off, int len) throws IOException {
      if (position < limit) {
        int n = Math.min(len, limit - position);
        System.arraycopy(buffer, position, b, off, n);
        position += n;
        return n;
      }
      if (len >= buffer.length) {
        return socketRead(b, off, len);
      }
      if (!fill()) {
        return -1;
      }
      return readBytes(b, off, len);
    }

    /**
     * Up to {@code want} bytes into {@code dst}: what is buffered first, then, on a plain
     * connection, straight from the socket into it (no copy through the heap when it is direct).
     */
    private int readBytes(ByteBuffer dst, int want) throws IOException {
      if (position < limit) {
        int n = Math.min(want, limit - position);
        dst.put(buffer, position, n);
        position += n;
        return n;
      }
      SocketChannel channel = socket.getChannel();
      if (channel == null) { // TLS: through the buffer
        return fill() ? readBytes(dst, want) : -1;
      }
      int oldLimit = dst.limit();
      dst.limit(dst.position() + want);
      startWaiting();
      try {
        int n = channel.read(dst);
        waitingSince = 0;
        return n;
      } catch (IOException e) {
        throw waitFailed(e);
      } finally {
        dst.limit(oldLimit);
      }
    }

    private int buffered() throws IOException {
      return limit - position + in.available();
    }

    void send(String head, byte[] body) throws IOException {
      requestSent = false;
      answerBegun = false;
      startWaiting();
      try {
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
          out.write(body);
        }
        out.flush();
        waitingSince = 0;
        requestSent = true;
      } catch (IOException e) {
        throw waitFailed(e);
      }
    }

    /**
     * Whether {@code failure} shows that the server had closed this idle connection before the
     * request came: the request could not be written, or the answer ended or was reset before its
     * first byte. A timeout does not: the server may be working on the request.
     */
    boolean closedBeforeAnswering(IOException failure) {
      if (stalled || failure instanceof InterruptedIOException || answerBegun) {
        return false;
      }
      if (!requestSent) {
        return true;
      }
      for (Throwable t = failure; t != null; t = t.getCause()) {
        if (t instanceof EOFException || t instanceof SocketException) {
          return true;
        }
      }
      return false;
    }

    Http11Response receive(boolean headRequest) throws IOException {
      while (true) {
        String statusLine = readLine();
        if (statusLine.length() < 12 || !statusLine.startsWith("HTTP/1.")) {
          throw new IOException(
              origin + " answered something else than HTTP/1.x: " + brief(statusLine));
        }
        int status = parseStatus(statusLine);
        boolean keepAlive = statusLine.charAt(7) == '1';
        var headers = new HashMap<String, String>();
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
          int colon = line.indexOf(':');
          if (colon <= 0) {
            throw new IOException(origin + " sent a malformed header line: " + brief(line));
          }
          String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
          String value = line.substring(colon + 1).strip();
          headers.merge(name, value, (a, b) -> a + "," + b);
        }
        if (status >= 100 && status < 200) {
          continue; // an interim answer (100 Continue): the final one follows
        }
        if (hasToken(headers.get("connection"), "close")) {
          keepAlive = false;
        }
        InputStream body;
        if (headRequest || status == 204 || status == 304) {
          body = InputStream.nullInputStream();
          finished(keepAlive);
        } else if (headers
            .getOrDefault("transfer-encoding", "")
            .toLowerCase(Locale.ROOT)
            .contains("chunked")) {
          body = new ChunkedBody(keepAlive);
        } else if (headers.containsKey("content-length")) {
          long length = parseLength(headers.get("content-length"));
          body = new FixedBody(length, keepAlive);
        } else {
          body = new UntilCloseBody();
        }
        return new Http11Response(status, headers, body);
      }
    }

    /**
     * Whether a comma-separated header value (such as {@code keep-alive, close}) has {@code token}.
     */
    private static boolean hasToken(String list, String token) {
      if (list == null) {
        return false;
      }
      for (String item : list.split(",")) {
        if (item.strip().equalsIgnoreCase(token)) {
          return true;
        }
      }
      return false;
    }

    private int parseStatus(String statusLine) throws IOException {
      try {
        return Integer.parseInt(statusLine.substring(9, 12));
      } catch (NumberFormatException e) {
        throw new IOException(origin + " sent a malformed status line: " + brief(statusLine));
      }
    }

    private long parseLength(String value) throws IOException {
      try {
        long length = Long.parseLong(value.strip());
        if (length < 0) {
          throw new NumberFormatException();
        }
        return length;
      } catch (NumberFormatException e) {
        throw new IOException(origin + " sent a malformed Content-Length: " + brief(value));
      }
    }

    private String readLine() throws IOException {
      StringBuilder longLine = null;
      while (true) {
        if (position == limit && !fill()) {
          throw new EOFException(origin + " closed the connection in the middle of an answer");
        }
        int start = position;
        int newline = start;
        while (newline < limit && buffer[newline] != '\n') {
          newline++;
        }
        int end = newline < limit ? newline : limit;
        int sofar = (longLine == null ? 0 : longLine.length()) + end - start;
        if (sofar > MAX_LINE) {
          throw new IOException(origin + " sent a line longer than " + MAX_LINE + " bytes");
        }
        String piece = new String(buffer, start, end - start, StandardCharsets.ISO_8859_1);
        if (newline == limit) {
          // The line goes on past what has arrived.
          position = limit;
          longLine = longLine == null ? new StringBuilder(piece) : longLine.append(piece);
          continue;
        }
        position = newline + 1;
        String line = longLine == null ? piece : longLine.append(piece).toString();
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
      }
    }

    /** The body ended where its framing said: the connection can serve the next request. */
    void finished(boolean keepAlive) {
      if (keepAlive) {
        release(this);
      } else {
        close();
      }
    }

    void close() {
      if (watch != null) {
        watch.remove(this);
      }
      try {
        socket.close();
      } catch (IOException ignored) {
        // Nothing more can be done with a socket that fails to close.
      }
    }

    private static String brief(String text) {
      return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }

    /**
     * A body whose end the framing tells: reaching it gives the connection back (when the server
     * keeps it alive), closing the body before it drops the connection. Also a channel, so that a
     * reader with a direct buffer gets the bytes without copies through the heap.
     */
    private abstract class FramedBody extends InputStream implements ReadableByteChannel {
      private final boolean keepAlive;
      private boolean ended;
      private boolean complete;

      FramedBody(boolean keepAlive) {
        this.keepAlive = keepAlive;
      }

      /** Reads the next bytes of a body that has neither ended nor been closed. */
      abstract int readFramed(byte[] b, int off, int len) throws IOException;

      /**
       * {@link #readFramed(byte[], int, int)} into a buffer; through a heap array unless faster.
       */
      int readFramed(ByteBuffer dst) throws IOException {
        byte[] chunk = new byte[Math.min(dst.remaining(), READ_BUFFER)];
        int n = readFramed(chunk, 0, chunk.length);
        if (n > 0) {
          dst.put(chunk, 0, n);
        }
        return n;
      }

      @Override
      public final int read(ByteBuffer dst) throws IOException {
        if (!readable(dst.remaining())) {
          return complete ? -1 : 0;
        }
        try {
          return readFramed(dst);
        } catch (IOException e) {
          end(false);
          throw e;
        }
      }

      @Override
      public final int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public final int read(byte[] b, int off, int len) throws IOException {
        if (!readable(len)) {
          return complete ? -1 : 0;
        }
        try {
          return readFramed(b, off, len);
        } catch (IOException e) {
          end(false);
          throw e;
        }
      }

      /**
       * Whether a read of {@code wanted} bytes goes to the framing: not at the body's end (the read
       * answers -1) nor for no bytes (0). A body closed before its end cannot be read at all.
       */
      private boolean readable(int wanted) throws IOException {
        if (complete) {
          return false;
        }
        if (ended) {
          throw new IOException("the body was closed");
        }
        return wanted > 0;
      }

      @Override
      public final void close() {
        end(false);
      }

      final void end(boolean reachedTheEnd) {
        if (!ended) {
          ended = true;
          complete = reachedTheEnd;
          if (reachedTheEnd) {
            finished(keepAlive);
          } else {
            Connection.this.close();
          }
        }
      }

      @Override
      public final boolean isOpen() {
        return !ended;
      }
    }

    /** A body of known length. */
    private final class FixedBody extends FramedBody {
      private long remaining;

      FixedBody(long length, boolean keepAlive) {
        super(keepAlive);
        this.remaining = length;
        if (length == 0) {
          end(true);
        }
      }

      @Override
      int readFramed(byte[] b, int off, int len) throws IOException {
        return counted(readBytes(b, off, (int) Math.min(len, remaining)));
      }

      @Override
      int readFramed(ByteBuffer dst) throws IOException {
        return counted(readBytes(dst, (int) Math.min(dst.remaining(), remaining)));
      }

      private int counted(int n) throws IOException {
        if (n < 0) {
          throw new EOFException(
              origin + " closed the connection with " + remaining + " bytes of the body unsent");
        }
        remaining -= n;
        if (remaining == 0) {
          end(true);
        }
        return n;
      }

      @Override
      public int available() throws IOException {
        return isOpen() ? (int) Math.min(buffered(), remaining) : 0;
      }
    }

    /** A body in chunks, each behind its length in hex; ends with an empty chunk and trailers. */
    private final class ChunkedBody extends FramedBody {
      private long chunkRemaining;

      ChunkedBody(boolean keepAlive) {
        super(keepAlive);
      }

      @Override
      int readFramed(byte[] b, int off, int len) throws IOException {
        if (chunkRemaining == 0 && !nextChunk()) {
          return -1;
        }
        int n = readBytes(b, off, (int) Math.min(len, chunkRemaining));
        if (n < 0) {
          throw new EOFException(origin + " closed the connection inside a chunk");
        }
        chunkRemaining -= n;
        if (chunkRemaining == 0) {
          readLine(); // the CRLF after the chunk's data
        }
        return n;
      }

      private boolean nextChunk() throws IOException {
        String line = readLine();
        int extension = line.indexOf(';');
        String size = (extension >= 0 ? line.substring(0, extension) : line).strip();
        try {
          // Hex digits only: Long.parseLong also takes a sign, and "-5" would end the body.
          if (size.isEmpty() || Character.digit(size.charAt(0), 16) < 0) {
            throw new NumberFormatException();
          }
          chunkRemaining = Long.parseLong(size, 16);
        } catch (NumberFormatException e) {
          throw new IOException(origin + " sent a malformed chunk size: " + brief(line));
        }
        if (chunkRemaining > 0) {
          return true;
        }
        while (!readLine().isEmpty()) {
          // trailers: nothing here needs them
        }
        end(true);
        return false;
      }
    }

    /** A body that ends when the server closes the connection: the connection is not reused. */
    private final class UntilCloseBody extends InputStream {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        int n = readBytes(b, off, len);
        if (n < 0) {
          Connection.this.close();
        }
        return n;
      }

      @Override
      public void close() {
        Connection.this.close();
      }
    }
  }
}
