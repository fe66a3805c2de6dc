package io.lakeexporter.storage.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.RequestRefusedException;
import io.lakeexporter.storage.UnsupportedStoreOperationException;
import io.lakeexporter.storage.contract.AbstractObjectStoreContractTest;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The read-only HTTP store against a real HTTP server (the JDK's) that serves objects with Range
 * and demands a signature in the query, like a presigned URL.
 */
class HttpReadStoreTest extends AbstractObjectStoreContractTest {

  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");
  private static final Map<String, byte[]> OBJECTS = new ConcurrentHashMap<>();
  private static HttpServer server;
  private static final HttpReadStore STORE =
      new HttpReadStore(Duration.ofSeconds(5), Duration.ofSeconds(30));

  @BeforeAll
  static void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", HttpReadStoreTest::serve);
    server.start();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
  }

  private static void serve(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getRawPath();
    if (path.startsWith("/stalls/") || path.startsWith("/breaks/")) {
      // 10 of the 100 bytes it promises, then a stall, or a connection closed under the body.
      exchange.sendResponseHeaders(200, 100);
      OutputStream out = exchange.getResponseBody();
      out.write(new byte[10]);
      out.flush();
      if (path.startsWith("/stalls/")) {
        try {
          Thread.sleep(3_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      exchange.close();
      return;
    }
    try (exchange) {
      String query = exchange.getRequestURI().getRawQuery();
      // The contract suite's locations (under /base/) carry no query: child() never copies one.
      boolean contract = exchange.getRequestURI().getRawPath().startsWith("/base/");
      if (!contract && (query == null || !query.contains("sig=ok"))) {
        exchange.sendResponseHeaders(403, -1);
        return;
      }
      byte[] data = OBJECTS.get(exchange.getRequestURI().getRawPath());
      if (data == null) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
      String range = exchange.getRequestHeaders().getFirst("Range");
      if (range == null) {
        exchange.sendResponseHeaders(200, data.length == 0 ? -1 : data.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(data);
        }
        return;
      }
      Matcher m = RANGE.matcher(range);
      if (!m.matches() || Long.parseLong(m.group(1)) >= data.length) {
        exchange.getResponseHeaders().add("Content-Range", "bytes */" + data.length);
        exchange.sendResponseHeaders(416, -1);
        return;
      }
      int from = Integer.parseInt(m.group(1));
      int to =
          m.group(2).isEmpty()
              ? data.length - 1
              : Math.min(data.length - 1, Integer.parseInt(m.group(2)));
      exchange
          .getResponseHeaders()
          .add("Content-Range", "bytes " + from + "-" + to + "/" + data.length);
      exchange.sendResponseHeaders(206, to - from + 1);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(data, from, to - from + 1);
      }
    }
  }

  private static Location url(String path, String signature) {
    return Location.parse(
        "http://127.0.0.1:"
            + server.getAddress().getPort()
            + path
            + "?sig="
            + signature
            + "&X-Amz-Signature=topsecret");
  }

  @Override
  protected ObjectStore store() {
    return STORE;
  }

  @Override
  protected Location baseLocation() {
    return Location.parse("http://127.0.0.1:" + server.getAddress().getPort() + "/base?sig=ok");
  }

  @Test
  void readsRangesOfASignedUrl() throws IOException {
    byte[] data = randomBytes(50_000, 3);
    OBJECTS.put("/bucket/obj", data);
    Location location = url("/bucket/obj", "ok");
    assertThat(STORE.stat(location).size()).isEqualTo(50_000);
    try (InputStream in = STORE.read(location, 100, 1000)) {
      assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(data, 100, 1100));
    }
    try (InputStream in = STORE.read(location, 49_000, -1)) {
      assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(data, 49_000, 50_000));
    }
    try (InputStream in = STORE.read(location, 0, -1)) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
  }

  @Test
  void emptyObjectsHaveSizeZero() throws IOException {
    OBJECTS.put("/bucket/empty", new byte[0]);
    assertThat(STORE.stat(url("/bucket/empty", "ok")).size()).isZero();
  }

  @Test
  void failuresNeverShowTheSignature() {
    OBJECTS.put("/bucket/obj2", new byte[10]);
    assertThatThrownBy(() -> STORE.stat(url("/bucket/obj2", "expired")))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessageContaining("403")
        .hasMessageNotContaining("topsecret");
    assertThatThrownBy(() -> STORE.read(url("/bucket/none", "ok"), 0, -1))
        .isInstanceOf(FileNotFoundException.class)
        .hasMessageNotContaining("topsecret");
  }

  @Test
  void anAnswerThatStallsPartWayFailsAfterTheReadTimeoutNamingItsLocation() throws IOException {
    var impatient = new HttpReadStore(Duration.ofSeconds(5), Duration.ofMillis(500));
    try (InputStream in = impatient.read(url("/stalls/obj", "ok"), 0, -1)) {
      assertThatThrownBy(in::readAllBytes)
          .isInstanceOf(SocketTimeoutException.class)
          .hasMessageStartingWith(
              "the answer from http://127.0.0.1:"
                  + server.getAddress().getPort()
                  + "/stalls/obj?<redacted> broke off after 10 bytes: nothing came for 500 ms (timed"
                  + " out)")
          .hasMessageNotContaining("topsecret");
    }
  }

  @Test
  void anAnswerCutShortSaysWhereItBrokeOff() throws IOException {
    try (InputStream in = STORE.read(url("/breaks/obj", "ok"), 0, -1)) {
      assertThatThrownBy(in::readAllBytes)
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("the answer from http://127.0.0.1:")
          .hasMessageContaining(
              "/breaks/obj?<redacted> broke off after 10 bytes of the 100 it announced")
          .hasMessageNotContaining("topsecret");
    }
  }

  @Test
  void writesAreRefusedAsDocumented() {
    assertThatThrownBy(() -> STORE.delete(List.of(url("/x", "ok"))))
        .isInstanceOf(UnsupportedStoreOperationException.class);
  }
}
