package io.lakeexporter.storage.s3.wire;

import io.lakeexporter.storage.s3.wire.Http11Client.Origin;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * An HTTP/1.1 peer whose replies a test scripts, for the wire-level faults no real server produces
 * on demand: silence after a request, a hang-up before the answer, framing that is not HTTP.
 */
final class ScriptedPeer implements AutoCloseable {

  /** What the peer does with one request: sends bytes, stays silent, or hangs up. */
  record Reply(String bytes, boolean hangUp) {
    static final Reply SILENCE = new Reply("", false);
    static final Reply HANG_UP = new Reply("", true);

    static Reply send(String bytes) {
      return new Reply(bytes, false);
    }

    static Reply ok() {
      return send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    }
  }

  private final ServerSocket server;
  private final IntFunction<Reply> script;
  private final AtomicInteger requests = new AtomicInteger();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  /**
   * @param script the reply to each request, by its number (from 1) among all the peer received
   */
  ScriptedPeer(IntFunction<Reply> script) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.script = script;
    daemon(this::accept).start();
  }

  /**
   * Answers the first {@code connections} requests once they have all arrived, each on a connection
   * of its own, and the rest as {@code then} says: how a test fills a client's pool.
   */
  static IntFunction<Reply> afterFillingThePool(int connections, IntFunction<Reply> then) {
    var together = new CountDownLatch(connections);
    return request -> {
      if (request > connections) {
        return then.apply(request);
      }
      together.countDown();
      try {
        together.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Reply.ok();
    };
  }

  /** Sends {@code connections} GETs at once, so that as many connections stay idle in the pool. */
  static void fillPool(Http11Client client, Origin origin, int connections) throws Exception {
    var threads = new Thread[connections];
    var failures = new CopyOnWriteArrayList<Exception>();
    for (int i = 0; i < connections; i++) {
      threads[i] =
          daemon(
              () -> {
                try {
                  client.execute(origin, "GET", "/fill", Map.of()).bodyText(100);
                } catch (IOException e) {
                  failures.add(e);
                }
              });
      threads[i].start();
    }
    for (Thread t : threads) {
      t.join(10_000);
    }
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
  }

  Origin origin() {
    return new Origin(false, "127.0.0.1", server.getLocalPort());
  }

  /** Requests received so far, each counted once its head (and body) arrived. */
  int requests() {
    return requests.get();
  }

  private void accept() {
    try {
      while (true) {
        Socket socket = server.accept();
        sockets.add(socket);
        daemon(() -> serve(socket)).start();
      }
    } catch (IOException closed) {
      // the test is over
    }
  }

  private void serve(Socket socket) {
    try {
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      while (readRequest(in)) {
        Reply reply = script.apply(requests.incrementAndGet());
        if (reply.hangUp()) {
          socket.close();
          return;
        }
        out.write(reply.bytes().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      }
    } catch (IOException gone) {
      // the client closed the connection
    }
  }

  /** Reads one request, its body included; false when the client closed the connection first. */
  private static boolean readRequest(InputStream in) throws IOException {
    long bodyLength = 0;
    for (String line = readLine(in); ; line = readLine(in)) {
      if (line == null) {
        return false;
      }
      if (line.isEmpty()) {
        break;
      }
      String lower = line.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        bodyLength = Long.parseLong(lower.substring("content-length:".length()).strip());
      }
    }
    in.skipNBytes(bodyLength);
    return true;
  }

  private static String readLine(InputStream in) throws IOException {
    var line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        return null;
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }

  private static Thread daemon(Runnable body) {
    Thread t = new Thread(body, "scripted-peer");
    t.setDaemon(true);
    return t;
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
