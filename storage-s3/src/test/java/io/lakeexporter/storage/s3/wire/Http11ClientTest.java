package io.lakeexporter.storage.s3.wire;

import static io.lakeexporter.storage.s3.wire.ScriptedPeer.afterFillingThePool;
import static io.lakeexporter.storage.s3.wire.ScriptedPeer.fillPool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.lakeexporter.storage.s3.wire.Http11Client.Origin;
import io.lakeexporter.storage.s3.wire.ScriptedPeer.Reply;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against the JDK's HTTP server: framing, keep-alive, stale connections, errors. */
class Http11ClientTest {

  private HttpServer server;
  private Http11Client client;
  private Origin origin;
  private final Map<String, String> seenHeaders = new ConcurrentHashMap<>();
  private final AtomicInteger requests = new AtomicInteger();

  @BeforeEach
  void start() throws IOException {
    server = startServer(0);
    origin = Origin.of(URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
    client = new Http11Client(Duration.ofSeconds(5), Duration.ofSeconds(5), 4);
  }

  @AfterEach
  void stop() {
    client.close();
    server.stop(0);
  }

  private HttpServer startServer(int port) throws IOException {
    var s = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    s.createContext(
        "/",
        exchange -> {
          requests.incrementAndGet();
          exchange
              .getRequestHeaders()
              .forEach((k, v) -> seenHeaders.put(k.toLowerCase(), v.get(0)));
          String path = exchange.getRequestURI().getRawPath();
          byte[] body = ("answer to " + path).getBytes(StandardCharsets.UTF_8);
          if (path.startsWith("/close")) {
            exchange.getResponseHeaders().set("Connection", "close");
          }
          if (path.startsWith("/missing")) {
            exchange.sendResponseHeaders(404, body.length);
          } else if (path.startsWith("/chunked")) {
            exchange.sendResponseHeaders(200, 0); // 0: the JDK server sends chunks
          } else if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(200, -1);
          } else {
            exchange.sendResponseHeaders(200, body.length);
          }
          try (OutputStream out = exchange.getResponseBody()) {
            if (!exchange.getRequestMethod().equals("HEAD")) {
              if (path.startsWith("/chunked")) {
                for (int i = 0; i < 3; i++) {
                  out.write(body);
                  out.flush();
                }
              } else {
                out.write(body);
              }
            }
          }
        });
    s.start();
    return s;
  }

  private String get(String target) throws IOException {
    Http11Response response = client.execute(origin, "GET", target, Map.of("x-test", "1"));
    return response.status() + " " + response.bodyText(1 << 20);
  }

  @Test
  void originsAreEqualExactlyWhenSchemeHostAndPortAre() {
    Origin plain = Origin.of(URI.create("http://example.com/a"));
    assertThat(plain).isEqualTo(Origin.of(URI.create("http://example.com:80/b")));
    assertThat(plain.hashCode())
        .isEqualTo(Origin.of(URI.create("http://example.com:80")).hashCode());
    assertThat(plain).isNotEqualTo(Origin.of(URI.create("https://example.com:80")));
    assertThat(plain).isNotEqualTo(Origin.of(URI.create("http://example.com:8080")));
    assertThat(plain).isNotEqualTo(Origin.of(URI.create("http://example.org")));
    assertThat(Origin.of(URI.create("https://example.com")).port()).isEqualTo(443);
  }

  @Test
  void fixedLengthAndChunkedBodiesOverOneKeptAliveConnection() throws IOException {
    assertThat(get("/a%20b")).isEqualTo("200 answer to /a%20b");
    assertThat(get("/chunked/x")).isEqualTo("200 " + "answer to /chunked/x".repeat(3));
    assertThat(get("/missing")).isEqualTo("404 answer to /missing");
    Http11Response head = client.execute(origin, "HEAD", "/h", Map.of());
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body().read()).isEqualTo(-1);
    assertThat(get("/again")).isEqualTo("200 answer to /again");
    assertThat(client.connectionsOpened()).isEqualTo(1);
    assertThat(seenHeaders).containsEntry("x-test", "1").containsKey("host");
  }

  @Test
  void aBodyClosedEarlyOrConnectionCloseIsNotReused() throws IOException {
    Http11Response response = client.execute(origin, "GET", "/partly", Map.of());
    assertThat(response.body().read()).isEqualTo('a');
    response.body().close();
    assertThat(get("/close/x")).isEqualTo("200 answer to /close/x");
    assertThat(get("/after")).isEqualTo("200 answer to /after");
    assertThat(client.connectionsOpened()).isEqualTo(3);
  }

  @Test
  void aPooledConnectionTheServerClosedIsReplacedOnce() throws IOException {
    assertThat(get("/first")).isEqualTo("200 answer to /first");
    int port = server.getAddress().getPort();
    server.stop(0); // closes the kept-alive connection under the client
    server = startServer(port);
    assertThat(get("/second")).isEqualTo("200 answer to /second");
    assertThat(client.connectionsOpened()).isEqualTo(2);
    assertThat(requests.get()).isEqualTo(2);
  }

  /**
   * A request that timed out on a pooled connection is not sent again on the next one: the server
   * may be working on it, and each try would wait the whole timeout again.
   */
  @Test
  void aRequestThatTimesOutOnAPooledConnectionIsSentOnce() throws Exception {
    try (var peer = new ScriptedPeer(afterFillingThePool(3, request -> Reply.SILENCE));
        var quick = new Http11Client(Duration.ofSeconds(5), Duration.ofMillis(300), 4)) {
      fillPool(quick, peer.origin(), 3);

      assertThatThrownBy(
              () -> quick.execute(peer.origin(), "PUT", "/slow", Map.of(), new byte[] {1, 2, 3}))
          .isInstanceOf(SocketTimeoutException.class)
          .hasMessageContaining("longer than 300 ms");
      assertThat(peer.requests()).as("three to fill the pool, the PUT once").isEqualTo(4);
      assertThat(quick.connectionsOpened()).isEqualTo(3);
    }
  }

  /**
   * A request whose pooled connection turns out closed is sent again once, on a new connection;
   * when that one is hung up on too, the failure is the caller's.
   */
  @Test
  void aRequestIsSentAgainAtMostOnceWhenItsConnectionsAreHungUpOn() throws Exception {
    try (var peer = new ScriptedPeer(afterFillingThePool(3, request -> Reply.HANG_UP))) {
      fillPool(client, peer.origin(), 3);

      assertThatThrownBy(() -> client.execute(peer.origin(), "GET", "/x", Map.of()))
          .isInstanceOf(EOFException.class);
      assertThat(peer.requests()).as("three to fill the pool, the GET twice").isEqualTo(5);
      assertThat(client.connectionsOpened()).as("the second try on a new one").isEqualTo(4);
    }
  }

  /**
   * An interrupted thread fails at once, before it takes a pooled connection: writing to a channel
   * from an interrupted thread closes it, and trying the next one would close them all.
   */
  @Test
  void anInterruptedThreadFailsAtOnceAndLeavesThePoolAsItWas() throws Exception {
    try (var peer = new ScriptedPeer(afterFillingThePool(4, request -> Reply.ok()))) {
      fillPool(client, peer.origin(), 4);

      Thread.currentThread().interrupt();
      try {
        assertThatThrownBy(() -> client.execute(peer.origin(), "GET", "/interrupted", Map.of()))
            .isInstanceOf(InterruptedIOException.class)
            .hasMessage("GET /interrupted to " + peer.origin() + ": the thread was interrupted");
      } finally {
        assertThat(Thread.interrupted()).as("still interrupted").isTrue();
      }
      assertThat(peer.requests()).isEqualTo(4);

      for (int i = 0; i < 4; i++) {
        Http11Response response = client.execute(peer.origin(), "GET", "/after", Map.of());
        assertThat(response.bodyText(100)).isEqualTo("ok");
      }
      assertThat(client.connectionsOpened()).as("the pooled ones served").isEqualTo(4);
    }
  }

  /** Interrupted while it waits for the answer: the request fails and is not sent again. */
  @Test
  void aRequestInterruptedWhileWaitingIsNotSentAgain() throws Exception {
    try (var peer = new ScriptedPeer(afterFillingThePool(2, request -> Reply.SILENCE))) {
      fillPool(client, peer.origin(), 2);
      Thread caller = Thread.currentThread();
      Thread interrupter =
          new Thread(
              () -> {
                while (peer.requests() < 3) {
                  Thread.onSpinWait();
                }
                caller.interrupt();
              });
      interrupter.start();

      try {
        assertThatThrownBy(() -> client.execute(peer.origin(), "GET", "/waiting", Map.of()))
            .isInstanceOf(InterruptedIOException.class)
            .isNotInstanceOf(SocketTimeoutException.class)
            .hasMessageContaining("GET /waiting to " + peer.origin());
      } finally {
        boolean interrupted = Thread.interrupted();
        interrupter.join();
        assertThat(interrupted).as("still interrupted").isTrue();
      }
      assertThat(peer.requests()).as("two to fill the pool, the GET once").isEqualTo(3);
      assertThat(client.connectionsOpened()).isEqualTo(2);
    }
  }

  @Test
  void aChunkSizeThatIsNotAPlainHexNumberIsRefused() throws Exception {
    for (String size : new String[] {"-5", "+5", "", "ffffffffffffffffff"}) {
      String chunked =
          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
              + "3\r\nabc\r\n"
              + size
              + "\r\nhello\r\n0\r\n\r\n";
      try (var peer = new ScriptedPeer(request -> request == 1 ? Reply.send(chunked) : Reply.ok());
          var fresh = new Http11Client(Duration.ofSeconds(5), Duration.ofSeconds(5), 4)) {
        Http11Response response = fresh.execute(peer.origin(), "GET", "/chunked", Map.of());
        assertThatThrownBy(() -> response.bodyText(1000))
            .as("chunk size '%s'", size)
            .isInstanceOf(IOException.class)
            .hasMessageContaining("malformed chunk size");
        assertThat(fresh.execute(peer.origin(), "GET", "/next", Map.of()).bodyText(100))
            .isEqualTo("ok");
        assertThat(fresh.connectionsOpened()).as("not reused after the bad chunk").isEqualTo(2);
      }
    }
  }

  @Test
  void aConnectionHeaderWithCloseAmongItsTokensEndsTheConnection() throws Exception {
    for (String connection :
        new String[] {"close", "keep-alive, close", "TE,Close ", "x, CLOSE, y"}) {
      String answer =
          "HTTP/1.1 200 OK\r\nConnection: " + connection + "\r\nContent-Length: 2\r\n\r\nok";
      // The peer keeps its side open: only the client's reading of the header ends it.
      try (var peer = new ScriptedPeer(request -> Reply.send(answer));
          var fresh = new Http11Client(Duration.ofSeconds(5), Duration.ofSeconds(5), 4)) {
        for (int i = 0; i < 2; i++) {
          assertThat(fresh.execute(peer.origin(), "GET", "/x", Map.of()).bodyText(100))
              .isEqualTo("ok");
        }
        assertThat(fresh.connectionsOpened()).as("Connection: %s", connection).isEqualTo(2);
      }
    }
    try (var peer =
            new ScriptedPeer(
                request ->
                    Reply.send(
                        "HTTP/1.1 200 OK\r\nConnection: keep-alive, closed-captions\r\n"
                            + "Content-Length: 2\r\n\r\nok"));
        var fresh = new Http11Client(Duration.ofSeconds(5), Duration.ofSeconds(5), 4)) {
      for (int i = 0; i < 2; i++) {
        assertThat(fresh.execute(peer.origin(), "GET", "/x", Map.of()).bodyText(100))
            .isEqualTo("ok");
      }
      assertThat(fresh.connectionsOpened()).as("no close token").isEqualTo(1);
    }
  }

  /**
   * A connection that completes after the client was closed (a store closed while its copies run)
   * is closed at once and fails as an IOException, not an unchecked exception out of the store. The
   * connect is held up by a listener whose backlog is full: the kernel drops the SYN and the client
   * sends it again a second later.
   */
  @Test
  void aConnectionCompletedAfterTheClientClosedIsClosedAndFailsAsAnIoException() throws Exception {
    try (var listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        var filler1 = new Socket();
        var filler2 = new Socket()) {
      filler1.connect(listener.getLocalSocketAddress());
      filler2.connect(listener.getLocalSocketAddress());
      var closing = new Http11Client(Duration.ofSeconds(10), Duration.ofSeconds(5), 4);
      Origin held = Origin.of(URI.create("http://127.0.0.1:" + listener.getLocalPort()));
      var failure = new CompletableFuture<Throwable>();
      Thread requesting =
          new Thread(
              () -> {
                try {
                  closing.execute(held, "GET", "/x", Map.of()).bodyText(100);
                  failure.complete(null);
                } catch (Throwable t) {
                  failure.complete(t);
                }
              });
      requesting.start();
      Thread.sleep(300); // the SYN is waiting for room in the backlog
      closing.close();
      listener.accept().close(); // room for it
      listener.accept().close();

      try (Socket third = listener.accept()) {
        assertThat(failure.get(10, TimeUnit.SECONDS))
            .isInstanceOf(IOException.class)
            .hasMessageContaining("closed");
        third.setSoTimeout(3000);
        assertThat(third.getInputStream().read()).as("closed by the client").isEqualTo(-1);
      }
    }
  }

  @Test
  void aServerThatIsGoneIsNamed() {
    int port = server.getAddress().getPort();
    server.stop(0);
    assertThatThrownBy(() -> get("/x"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot connect to http://127.0.0.1:" + port);
  }

  @Test
  void headersThatHttpCannotCarryAreRefusedBeforeSending() {
    assertThatThrownBy(() -> client.execute(origin, "GET", "/x", Map.of("x-meta", "caf\u00e9")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("x-meta");
    assertThatThrownBy(() -> client.execute(origin, "GET", "/x", Map.of("x-meta", "a\r\nb: c")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(requests.get()).isZero();
  }

  @Test
  void aTruncatedBodyIsAnError() throws IOException {
    server.createContext(
        "/short",
        exchange -> {
          exchange.sendResponseHeaders(200, 100);
          exchange.getResponseBody().write(new byte[10]);
          exchange.getResponseBody().flush();
          exchange.close();
        });
    Http11Response response = client.execute(origin, "GET", "/short", Map.of());
    try (InputStream body = response.body()) {
      assertThatThrownBy(body::readAllBytes)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("bytes of the body unsent");
    }
  }

  @Test
  void answersArrivingInPiecesAreReadWholeIntoDirectBuffersAndOverlongLinesRefused()
      throws Exception {
    byte[] large = new byte[200_000];
    new Random(7).nextBytes(large);
    try (var raw = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread serverThread =
          new Thread(
              () -> {
                try (var socket = raw.accept();
                    OutputStream out = socket.getOutputStream();
                    InputStream in = socket.getInputStream()) {
                  // First answer: its head split inside a line, its body past the read buffer.
                  readRequestHead(in);
                  out.write("HTTP/1.1 200 OK\r\nContent-Le".getBytes(StandardCharsets.US_ASCII));
                  out.flush();
                  Thread.sleep(50);
                  out.write(
                      ("ngth: " + large.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                  out.write(large, 0, 1000);
                  out.flush();
                  Thread.sleep(50);
                  out.write(large, 1000, large.length - 1000);
                  out.flush();
                  // Second answer: a header line longer than any a server should send.
                  readRequestHead(in);
                  out.write("HTTP/1.1 200 OK\r\nX-Long: ".getBytes(StandardCharsets.US_ASCII));
                  for (int i = 0; i < 20; i++) {
                    out.write("a".repeat(1000).getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                  }
                  out.write("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                  out.flush();
                } catch (IOException | InterruptedException e) {
                  // The client gives up on the second answer and closes: nothing to do.
                }
              });
      serverThread.start();
      Origin local = Origin.of(URI.create("http://127.0.0.1:" + raw.getLocalPort()));

      Http11Response first = client.execute(local, "GET", "/pieces", Map.of());
      assertThat(first.status()).isEqualTo(200);
      assertThat(first.header("content-length")).contains(String.valueOf(large.length));
      // Read as a channel into a direct buffer: the bytes that came with the head, then the
      // socket's straight into the buffer.
      var channel = (ReadableByteChannel) first.body();
      var direct = ByteBuffer.allocateDirect(large.length + 10);
      while (channel.read(direct) >= 0) {
        // until the body's end
      }
      assertThat(direct.position()).isEqualTo(large.length);
      byte[] got = new byte[large.length];
      direct.flip().get(got);
      assertThat(got).isEqualTo(large);
      assertThatThrownBy(() -> client.execute(local, "GET", "/long", Map.of()))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("line longer than");
      assertThat(client.connectionsOpened())
          .as("the first answer's connection was reused")
          .isEqualTo(1);
      serverThread.join(5000);
    }
  }

  private static void readRequestHead(InputStream in) throws IOException {
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < end.length) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("request cut short");
      }
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
  }

  @Test
  void aServerThatStopsAnsweringTimesOutWithItsName() throws Exception {
    try (var raw = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        var quick = new Http11Client(Duration.ofSeconds(5), Duration.ofMillis(300), 4)) {
      var accepted = new CompletableFuture<Socket>();
      Thread serverThread =
          new Thread(
              () -> {
                try {
                  Socket socket = raw.accept();
                  readRequestHead(socket.getInputStream());
                  accepted.complete(socket); // and never answer
                } catch (IOException e) {
                  accepted.completeExceptionally(e);
                }
              });
      serverThread.start();
      Origin silent = Origin.of(URI.create("http://127.0.0.1:" + raw.getLocalPort()));
      long started = System.nanoTime();

      assertThatThrownBy(() -> quick.execute(silent, "GET", "/never", Map.of()))
          .isInstanceOf(SocketTimeoutException.class)
          .hasMessageContaining("http://127.0.0.1:" + raw.getLocalPort())
          .hasMessageContaining("longer than 300 ms");
      long tookMillis = (System.nanoTime() - started) / 1_000_000;
      assertThat(tookMillis).as("timed out, not hung").isBetween(300L, 4_000L);
      accepted.get().close();
    }
  }
}
