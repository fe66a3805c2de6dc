package io.lakeexporter.source;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An object whose bytes stop coming part-way through lakeFS's answer is named, with how far. */
class LakeFsClientBrokenBodyTest {

  private HttpServer lakeFs;

  @BeforeEach
  void start() throws IOException {
    // 10 of the 100 bytes it announces, then the connection closes.
    lakeFs =
        LoopbackServers.start(
            exchange -> {
              exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
              exchange.sendResponseHeaders(200, 100);
              exchange.getResponseBody().write(new byte[10]);
              exchange.getResponseBody().flush();
            });
  }

  @AfterEach
  void stop() {
    lakeFs.stop(0);
  }

  @Test
  void aBodyThatBreaksOffNamesTheObjectAndHowFarItGot() throws IOException {
    try (var client =
            LakeFsClient.create(
                LakeFsConfig.builder()
                    .apiUrl("http://127.0.0.1:" + lakeFs.getAddress().getPort())
                    .accessKeyId("AKIAEXAMPLE")
                    .secretAccessKey("secret")
                    .build());
        InputStream in = client.openObject("repo", "main", "data/part-0.parquet", 0, -1)) {
      assertThatThrownBy(in::readAllBytes)
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith(
              "reading 'data/part-0.parquet' through lakeFS broke off after 10 bytes: ");
    }
  }
}
