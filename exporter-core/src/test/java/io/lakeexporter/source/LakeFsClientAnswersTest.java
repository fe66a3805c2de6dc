package io.lakeexporter.source;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.lakeexporter.ExportException;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Answers that are not what the lakeFS API promises end in errors that name the request. */
class LakeFsClientAnswersTest {

  private HttpServer lakeFs;
  private LakeFsClient client;

  @BeforeEach
  void start() throws IOException {
    lakeFs =
        LoopbackServers.start(
            exchange -> {
              String path = exchange.getRequestURI().getRawPath();
              String json =
                  path.contains("/diff/")
                      ? "{\"pagination\": {\"has_more\": false}, \"results\": [{\"type\":"
                          + " \"conflict\", \"path\": \"a/b\", \"path_type\": \"object\"}]}"
                      : path.contains("/branches/")
                          ? "{\"id\": \"main\"}"
                          : "{\"results\": [{\"path\": \"a\", \"size_bytes\": \"many\"}]}";
              LoopbackServers.sendJson(exchange, json);
            });
    client =
        LakeFsClient.create(
            LakeFsConfig.builder()
                .apiUrl("http://127.0.0.1:" + lakeFs.getAddress().getPort())
                .accessKeyId("AKIAEXAMPLE")
                .secretAccessKey("secret")
                .build());
  }

  @AfterEach
  void stop() {
    client.close();
    lakeFs.stop(0);
  }

  @Test
  void aBranchWithoutACommitIsNamed() {
    assertThatThrownBy(() -> client.resolveBranch("repo", "main"))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("branch 'main' of repository 'repo'")
        .hasMessageContaining("without a commit_id");
  }

  @Test
  void aListingWithAWrongValueIsNamed() {
    assertThatThrownBy(() -> client.listObjects("repo", "c1", "", false).toList())
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("the listing of 'c1' of repository 'repo'");
  }

  @Test
  void aDiffWithAConflictSaysAnExportCannotApplyIt() {
    assertThatThrownBy(() -> client.diff("repo", "c1", "main").toList())
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("diff c1..main of repository 'repo'")
        .hasMessageContaining("'conflict' change to a/b, which an export cannot apply");
  }
}
