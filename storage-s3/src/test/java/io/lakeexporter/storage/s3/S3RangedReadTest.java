package io.lakeexporter.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectMetadata;
import io.lakeexporter.storage.ObjectStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Ranged reads through a cache in front of S3Proxy that asks S3Proxy for other bytes than it was
 * asked for and passes S3Proxy's answer on as it came: the whole object with 200, or a range that
 * starts or ends elsewhere. A part of a large copy read from such an answer has the right length
 * and another part's bytes; the store refuses an answer that does not start at the asked offset and
 * cuts one that goes on past the asked length, on the fast path and through the SDK alike.
 */
class S3RangedReadTest {

  private static final String BUCKET = "ranged-reads";
  private static final byte[] DATA = TestObjects.randomBytes(1000);

  private static RangeRewritingCache cache;
  private static Location object;
  private static S3ObjectStore fast;
  private static S3ObjectStore sdkOnly;

  @BeforeAll
  static void start() throws IOException {
    S3ProxyServer.shared().createBucket(BUCKET);
    object = TestObjects.freshLocation(BUCKET, "object.bin");
    try (var direct = new S3ObjectStore(S3ProxyServer.shared().settings())) {
      direct.write(object, new ByteArrayInputStream(DATA), DATA.length, ObjectMetadata.EMPTY);
    }
    cache = new RangeRewritingCache();
    var throughTheCache = S3ProxyServer.shared().settings().with("s3.endpoint", cache.endpoint());
    fast = new S3ObjectStore(throughTheCache);
    sdkOnly = new S3ObjectStore(throughTheCache.with("s3.fast-path", "false"));
  }

  @AfterAll
  static void stop() {
    fast.close();
    sdkOnly.close();
    cache.close();
  }

  @BeforeEach
  void honestCache() {
    cache.mode = Mode.AS_ASKED;
    cache.requests = 0;
  }

  private static List<ObjectStore> stores() {
    return List.of(fast, sdkOnly);
  }

  private static byte[] read(ObjectStore store, long offset, long length) throws IOException {
    try (InputStream in = store.read(object, offset, length)) {
      return in.readAllBytes();
    }
  }

  private static byte[] slice(int from, int to) {
    return Arrays.copyOfRange(DATA, from, to);
  }

  @Test
  void rangesAnsweredAsAskedAreReadAsTheyCame() throws IOException {
    for (ObjectStore store : stores()) {
      assertThat(read(store, 500, 100)).isEqualTo(slice(500, 600));
      assertThat(read(store, 500, -1)).isEqualTo(slice(500, 1000));
      assertThat(read(store, 0, 100)).isEqualTo(slice(0, 100));
      assertThat(read(store, 0, -1)).isEqualTo(DATA);
      assertThat(read(store, 900, 500)).as("to the object's end").isEqualTo(slice(900, 1000));
    }
    assertThat(cache.requests).as("every read went through the cache").isEqualTo(10);
  }

  @Test
  void aRangeAnsweredWithTheWholeObjectIsRefused() throws IOException {
    cache.mode = Mode.WITHOUT_RANGE;
    for (ObjectStore store : stores()) {
      for (long length : new long[] {100, -1}) {
        assertThatThrownBy(() -> read(store, 500, length))
            .isInstanceOf(IOException.class)
            .hasMessageContaining("cannot read " + object)
            .hasMessageContaining("asked for bytes=500-" + (length < 0 ? "" : "599"))
            .hasMessageContaining("answered 200 with the whole object (1000 bytes)");
      }
      assertThat(read(store, 0, 100))
          .as("the whole object holds a range from its first byte at its beginning")
          .isEqualTo(slice(0, 100));
    }
  }

  @Test
  void aRangeAnsweredFromAnotherOffsetIsRefused() {
    cache.mode = Mode.FROM_A_BLOCK_START;
    for (ObjectStore store : stores()) {
      assertThatThrownBy(() -> read(store, 500, 100))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("cannot read " + object)
          .hasMessageContaining(
              "asked for bytes=500-599 and the server answered 206 with Content-Range bytes"
                  + " 256-599/1000");
    }
  }

  @Test
  void anAnswerLongerThanTheRangeIsCutToIt() throws IOException {
    cache.mode = Mode.TO_THE_END;
    for (ObjectStore store : stores()) {
      assertThat(read(store, 500, 100)).isEqualTo(slice(500, 600));
      assertThat(read(store, 0, 100)).isEqualTo(slice(0, 100));
      assertThat(read(store, 500, -1)).isEqualTo(slice(500, 1000));
    }
  }

  /** Which bytes the cache asks S3Proxy for. */
  private enum Mode {
    AS_ASKED,
    /** No range at all: S3Proxy answers 200 with the whole object. */
    WITHOUT_RANGE,
    /** From the 256-byte block the asked range starts in. */
    FROM_A_BLOCK_START,
    /** From the asked offset to the object's end. */
    TO_THE_END
  }

  /**
   * An HTTP front for S3Proxy (path-style GETs only) that gets the object with the range its mode
   * says and passes on S3Proxy's status, Content-Range, Content-Length, ETag and body.
   */
  private static final class RangeRewritingCache implements AutoCloseable {
    private final HttpServer server;
    volatile Mode mode = Mode.AS_ASKED;
    volatile int requests;

    RangeRewritingCache() throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/", this::handle);
      server.start();
    }

    String endpoint() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
      requests++;
      String[] bucketAndKey = exchange.getRequestURI().getPath().substring(1).split("/", 2);
      String range = rewrite(exchange.getRequestHeaders().getFirst("Range"));
      try (ResponseInputStream<GetObjectResponse> in =
          S3ProxyServer.shared()
              .admin()
              .getObject(b -> b.bucket(bucketAndKey[0]).key(bucketAndKey[1]).range(range))) {
        GetObjectResponse answer = in.response();
        if (answer.contentRange() != null) {
          exchange.getResponseHeaders().set("Content-Range", answer.contentRange());
        }
        exchange.getResponseHeaders().set("ETag", answer.eTag());
        exchange.sendResponseHeaders(
            answer.sdkHttpResponse().statusCode(),
            answer.contentLength() == 0 ? -1 : answer.contentLength());
        in.transferTo(exchange.getResponseBody());
      } catch (S3Exception e) {
        exchange.sendResponseHeaders(e.statusCode(), -1);
      } finally {
        exchange.close();
      }
    }

    private String rewrite(String asked) {
      if (asked == null || mode == Mode.AS_ASKED) {
        return asked;
      }
      String[] startAndEnd = asked.substring("bytes=".length()).split("-", -1);
      long start = Long.parseLong(startAndEnd[0]);
      return switch (mode) {
        case WITHOUT_RANGE -> null;
        case FROM_A_BLOCK_START -> "bytes=" + (start / 256 * 256) + "-" + startAndEnd[1];
        case TO_THE_END -> "bytes=" + start + "-";
        case AS_ASKED -> asked;
      };
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
