package io.lakeexporter.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An HTTP/1.1 proxy between a client and a real server (S3Proxy, Azurite, fake-gcs-server, the
 * lakeFS emulator) that forwards every request unchanged unless a rule says otherwise: answer with
 * a status and the store's own error body without forwarding (throttling, a server error), forward
 * and then reset the connection after some bytes of the answer's body, or say nothing for a while
 * and close. Every request it sees is recorded, so that a test counts the attempts that reached the
 * server. The Host header passes unchanged: a signature over it stays valid.
 */
public final class FaultProxy implements AutoCloseable {

  /** A request as the proxy saw it; header names in lower case. */
  public record Request(String method, String target, Map<String, String> headers) {
    public String header(String name) {
      return headers.getOrDefault(name.toLowerCase(Locale.ROOT), "");
    }
  }

  /** What a rule does to a request it matches. */
  public sealed interface Fault permits Answer, ResetAfter, Stall, DelayAnswer {}

  /** Answers without forwarding. */
  public record Answer(int status, Map<String, String> headers, String body) implements Fault {
    public Answer {
      Objects.requireNonNull(headers, "headers is null");
      Objects.requireNonNull(body, "body is null");
    }
  }

  /** Forwards, passes the answer's head and {@code bodyBytes} of its body, then resets. */
  public record ResetAfter(long bodyBytes) implements Fault {}

  /** Reads the request, says nothing for {@code duration}, then closes the connection. */
  public record Stall(Duration duration) implements Fault {}

  /**
   * Forwards, and holds the answer back for {@code duration} before passing it on: the server has
   * done what was asked, the client does not know it yet.
   */
  public record DelayAnswer(Duration duration) implements Fault {}

  /** S3's answer to too many requests. */
  public static Answer s3SlowDown() {
    return new Answer(
        503,
        Map.of("Content-Type", "application/xml"),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code>"
            + "<Message>Please reduce your request rate.</Message></Error>");
  }

  /** Azure's answer to too many requests. */
  public static Answer azureServerBusy() {
    return new Answer(
        503,
        Map.of("Content-Type", "application/xml", "x-ms-error-code", "ServerBusy"),
        "\uFEFF<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>ServerBusy</Code>"
            + "<Message>The server is busy.</Message></Error>");
  }

  /** GCS's answer to too many requests. */
  public static Answer gcsTooManyRequests() {
    return new Answer(
        429,
        Map.of("Content-Type", "application/json; charset=UTF-8"),
        "{\"error\":{\"code\":429,\"message\":\"The rate of change requests to the object is too"
            + " high.\",\"errors\":[{\"message\":\"rate limited\",\"domain\":\"usageLimits\","
            + "\"reason\":\"rateLimitExceeded\"}]}}");
  }

  /** lakeFS's answer when it is overloaded or its backend is down. */
  public static Answer lakeFsUnavailable() {
    return new Answer(
        503, Map.of("Content-Type", "application/json"), "{\"message\":\"service unavailable\"}");
  }

  private record Rule(Predicate<Request> when, AtomicInteger remaining, Fault fault) {}

  private final String upstreamHost;
  private final int upstreamPort;
  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool(FaultProxy::daemon);
  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final List<Request> seen = new CopyOnWriteArrayList<>();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private FaultProxy(URI upstream) throws IOException {
    this.upstreamHost = upstream.getHost();
    this.upstreamPort = upstream.getPort();
    this.server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
    threads.execute(this::accept);
  }

  /** A proxy to the server at {@code upstream} (http://host:port, any path ignored). */
  public static FaultProxy to(String upstream) throws IOException {
    return new FaultProxy(URI.create(upstream));
  }

  /** The proxy's address, {@code http://127.0.0.1:<port>}. */
  public String url() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Applies {@code fault} to the next {@code times} requests that match {@code when}. */
  public FaultProxy on(Predicate<Request> when, int times, Fault fault) {
    rules.add(new Rule(when, new AtomicInteger(times), fault));
    return this;
  }

  /** Every request seen so far, faulted or forwarded, in order of arrival. */
  public List<Request> requests() {
    return List.copyOf(seen);
  }

  /** How many requests seen so far match. */
  public long count(Predicate<Request> which) {
    return seen.stream().filter(which).count();
  }

  /** Forgets the rules and the requests seen. */
  public void reset() {
    rules.clear();
    seen.clear();
  }

  public static Predicate<Request> method(String method) {
    return r -> r.method().equals(method);
  }

  public static Predicate<Request> targetContains(String part) {
    return r -> r.target().contains(part);
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    for (Socket s : open) {
      closeQuietly(s);
    }
    threads.shutdownNow();
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        open.add(client);
        if (closed) {
          closeQuietly(client); // accepted as close() went by: it would be left waiting
          return;
        }
        threads.execute(() -> serve(client));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket client) {
    Socket upstream = null;
    try (client) {
      client.setTcpNoDelay(true);
      InputStream fromClient = new BufferedInputStream(client.getInputStream());
      OutputStream toClient = client.getOutputStream();
      while (!closed) {
        Head head = Head.read(fromClient);
        if (head == null) {
          return;
        }
        String[] line = head.first().split(" ", 3);
        var request = new Request(line[0], line[1], head.headers());
        seen.add(request);
        if (request.header("expect").equalsIgnoreCase("100-continue")) {
          toClient.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
          toClient.flush();
        }
        byte[] body = readBody(fromClient, head, false);
        Fault fault = faultFor(request);
        if (fault instanceof Answer a) {
          answer(toClient, a, request.method().equals("HEAD"));
          continue;
        }
        if (fault instanceof Stall s) {
          Thread.sleep(s.duration().toMillis());
          return;
        }
        if (upstream == null) {
          upstream = new Socket(upstreamHost, upstreamPort);
          upstream.setTcpNoDelay(true);
          open.add(upstream);
          if (closed) {
            return; // opened as close() went by: closed below
          }
        }
        OutputStream toUpstream = upstream.getOutputStream();
        toUpstream.write(head.bytesWithout("expect"));
        toUpstream.write(body);
        toUpstream.flush();
        InputStream fromUpstream = new BufferedInputStream(upstream.getInputStream());
        Head answer = Head.read(fromUpstream);
        if (answer == null) {
          return;
        }
        if (fault instanceof DelayAnswer d) {
          Thread.sleep(d.duration().toMillis());
        }
        toClient.write(answer.bytesWithout());
        boolean noBody =
            request.method().equals("HEAD")
                || answer.first().matches("HTTP/1\\.[01] (1\\d\\d|204|304).*");
        if (fault instanceof ResetAfter r) {
          byte[] part = noBody ? new byte[0] : fromUpstream.readNBytes((int) r.bodyBytes());
          toClient.write(part);
          toClient.flush();
          client.setSoLinger(true, 0); // an RST, not an orderly end
          return;
        }
        if (!noBody) {
          byte[] answerBody = readBody(fromUpstream, answer, true);
          toClient.write(answerBody);
        }
        toClient.flush();
        if (!noBody && answer.readsToEnd(true)
            || answer.header("connection").equalsIgnoreCase("close")) {
          return;
        }
      }
    } catch (IOException e) {
      // a peer went away: so does this connection
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (upstream != null) {
        open.remove(upstream);
        closeQuietly(upstream);
      }
      open.remove(client);
    }
  }

  private Fault faultFor(Request request) {
    for (Rule rule : rules) {
      if (rule.when().test(request) && rule.remaining().getAndDecrement() > 0) {
        return rule.fault();
      }
    }
    return null;
  }

  private static void answer(OutputStream out, Answer a, boolean head) throws IOException {
    byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
    var text = new StringBuilder("HTTP/1.1 " + a.status() + " Fault\r\n");
    a.headers().forEach((k, v) -> text.append(k).append(": ").append(v).append("\r\n"));
    text.append("Content-Length: ").append(body.length).append("\r\n\r\n");
    out.write(text.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (!head) {
      out.write(body);
    }
    out.flush();
  }

  /** The body as framed on the wire (chunks included), so it is forwarded byte for byte. */
  private static byte[] readBody(InputStream in, Head head, boolean answer) throws IOException {
    if (head.header("transfer-encoding").toLowerCase(Locale.ROOT).contains("chunked")) {
      var raw = new ByteArrayOutputStream();
      while (true) {
        String size = readLine(in);
        raw.write((size + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        int n = Integer.parseInt(size.split(";", 2)[0].trim(), 16);
        if (n == 0) {
          String trailer;
          while (!(trailer = readLine(in)).isEmpty()) {
            raw.write((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
          }
          raw.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
          return raw.toByteArray();
        }
        raw.write(in.readNBytes(n + 2));
      }
    }
    String length = head.header("content-length");
    if (!length.isEmpty()) {
      return in.readNBytes(Integer.parseInt(length.trim()));
    }
    return answer ? in.readAllBytes() : new byte[0];
  }

  private static String readLine(InputStream in) throws IOException {
    var line = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new EOFException();
      }
      if (c != '\r') {
        line.write(c);
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }

  /** A request's or an answer's first line and headers. */
  private record Head(String first, List<String> lines, Map<String, String> headers) {
    static Head read(InputStream in) throws IOException {
      String first;
      try {
        first = readLine(in);
      } catch (EOFException e) {
        return null;
      }
      var lines = new ArrayList<String>();
      var headers = new LinkedHashMap<String, String>();
      String line;
      while (!(line = readLine(in)).isEmpty()) {
        lines.add(line);
        int colon = line.indexOf(':');
        headers.put(
            line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
            line.substring(colon + 1).trim());
      }
      return new Head(first, lines, Map.copyOf(headers));
    }

    String header(String name) {
      return headers.getOrDefault(name, "");
    }

    /** An answer without a length or chunks ends when the server closes the connection. */
    boolean readsToEnd(boolean answer) {
      return answer
          && header("content-length").isEmpty()
          && !header("transfer-encoding").toLowerCase(Locale.ROOT).contains("chunked");
    }

    byte[] bytesWithout(String... dropped) {
      var text = new StringBuilder(first).append("\r\n");
      for (String line : lines) {
        String name = line.substring(0, line.indexOf(':')).trim().toLowerCase(Locale.ROOT);
        if (!List.of(dropped).contains(name)) {
          text.append(line).append("\r\n");
        }
      }
      return text.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "fault-proxy");
    t.setDaemon(true);
    return t;
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
