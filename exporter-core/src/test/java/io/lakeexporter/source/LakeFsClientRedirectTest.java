package io.lakeexporter.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.lakeexporter.ExportException;
import java.io.IOException;
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
    lakeFs =
        LoopbackServers.start(
            exchange ->
                LoopbackServers.sendJson(exchange, "{\"id\":\"main\",\"commit_id\":\"c0ffee\"}"));
    front =
        LoopbackServers.start(
            exchange -> {
              String path = exchange.getRequestURI().getRawPath();
              String target =
                  path.contains("/secure/")
                      ? "https://lakefs.example.com" + path + "?X-Amz-Signature=s3cr3t"
                      : "http://127.0.0.1:" + lakeFs.getAddress().getPort() + path;
              exchange.getResponseHeaders().set("Location", target);
              exchange.sendResponseHeaders(301, -1);
            });
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
