package io.lakeexporter.source;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.lakeexporter.InvalidExportException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An endpoint that answers with web pages (lakeFS's UI, a proxy's error page, another server) is
 * named as not lakeFS's API, instead of reading as a repository or branch lakeFS does not have.
 */
class LakeFsClientWebPageTest {

  private HttpServer pages;

  @BeforeEach
  void start() throws IOException {
    pages =
        LoopbackServers.start(
            exchange -> {
              byte[] page =
                  "<!DOCTYPE html>\n<html><body>Not Found</body></html>"
                      .getBytes(StandardCharsets.UTF_8);
              exchange.getResponseHeaders().set("Content-Type", "text/html");
              exchange.sendResponseHeaders(404, page.length);
              exchange.getResponseBody().write(page);
              exchange.close();
            });
  }

  @AfterEach
  void stop() {
    pages.stop(0);
  }

  @Test
  void aWebPageIsNamedAsNotTheApi() {
    String url = "http://127.0.0.1:" + pages.getAddress().getPort() + "/ui";
    try (var client =
        LakeFsClient.create(
            LakeFsConfig.builder()
                .apiUrl(url)
                .accessKeyId("AKIAEXAMPLE")
                .secretAccessKey("secret")
                .build())) {
      assertThatThrownBy(() -> client.resolveBranch("repo", "main"))
          .isInstanceOf(InvalidExportException.class)
          .hasMessageContaining("answered 404 with a web page, not lakeFS's API")
          .hasMessageContaining("lakeFS at " + url + "/api/v1")
          .hasMessageContaining("give lakeFS's own address");
    }
  }
}
