package io.lakeexporter.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.lakeexporter.ExportException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A lakeFS endpoint given as plain HTTP is reached without TLS set up: redirects to another plain
 * HTTP address are still followed, and one to https is answered with the address to use instead.
 */
class LakeFsClientRedirectTest {

  private HttpServer front;
  private HttpServer lakeFs;

  @BeforeEach
  void start() throws IOException {
    lakeFs = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    lakeFs.createContext(
        "/",
        exchange -> {
          try (exchange) {
            byte[] body =
                "{\"id\":\"main\",\"commit_id\":\"c0ffee\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
          }
        });
    lakeFs.start();
    front = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    front.createContext(
        "/",
        exchange -> {
          try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String target =
                path.contains("/secure/")
                    ? "https://lakefs.example.com" + path + "?X-Amz-Signature=s3cr3t"
                    : "http://127.0.0.1:" + lakeFs.getAddress().getPort() + path;
            exchange.getResponseHeaders().set("Location", target);
            exchange.sendResponseHeaders(301, -1);
          }
        });
    front.start();
  }

  @AfterEach
  void stop() {
    front.stop(0);
    lakeFs.stop(0);
  }

  private LakeFsClient client() {
    return LakeFsClient.create(
        LakeFsConfig.builder()
            .apiUrl("http://127.0.0.1:" + front.getAddress().getPort())
            .accessKeyId("AKIAEXAMPLE")
            .secretAccessKey("secret")
            .build());
  }

  @Test
  void aRedirectToPlainHttpIsFollowed() {
    var client = client();
    try {
      assertThat(client.resolveBranch("repo", "main")).isEqualTo("c0ffee");
    } finally {
      client.close();
    }
  }

  @Test
  void aRedirectToHttpsNamesTheAddressToUseWithoutItsQuery() {
    var client = client();
    try {
      assertThatThrownBy(() -> client.resolveBranch("secure", "main"))
          .isInstanceOf(ExportException.class)
          .hasMessageContaining("redirects (301) to https://lakefs.example.com/api/v1/")
          .hasMessageContaining("give that address as the lakeFS endpoint")
          .hasMessageNotContaining("s3cr3t");
    } finally {
      client.close();
    }
  }
}
