package io.lakeexporter.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeexporter.emulator.LakeFsEmulator;
import io.lakeexporter.storage.StorageRegistry;
import io.lakeexporter.storage.s3.S3ProxyServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar users run, at its most talkative ({@code -vv}: every library's DEBUG log), with canary
 * secrets planted in every place a user puts one: none of them, and no presigned URL's signature,
 * may reach the output or the status file, while the output still names what failed.
 */
class SecretsInCliOutputTest {

  private static final String LAKEFS_SECRET = "LAKEFS-SECRET-CANARY";
  private static final String SESSION_TOKEN = "SESSION-TOKEN-CANARY";
  private static final String ENDPOINT_PASSWORD = "ENDPOINT-PASSWORD-CANARY";

  @TempDir static Path work;
  private static StorageRegistry storage;
  private static LakeFsEmulator emulator;
  private static String repository;

  @TempDir Path out;

  @BeforeAll
  static void start() throws IOException {
    S3ProxyServer s3 = S3ProxyServer.shared();
    s3.createBucket("canary-lake");
    s3.createBucket("canary-export");
    storage = StorageRegistry.discover(s3.settings());
    emulator =
        LakeFsEmulator.builder()
            .credentials("AKIACANARYTEST", LAKEFS_SECRET)
            .storage(storage)
            .start();
    repository = "canary";
    emulator.createRepository(repository, "s3://canary-lake/" + repository, "main");
    emulator.putObject(
        repository,
        "main",
        "data/a.csv",
        "a".getBytes(StandardCharsets.UTF_8),
        "text/csv",
        Map.of());
    emulator.commit(repository, "main", "load");
  }

  @AfterAll
  static void stop() throws IOException {
    emulator.close();
    storage.close();
  }

  /**
   * Through the AWS SDK (the fast path off), with a session token and an endpoint with a password:
   * the SDK's signer logs each canonical request at DEBUG, the session token among its headers.
   */
  @Test
  void aFailingExportThroughTheSdkShowsNoSecret() throws Exception {
    String endpoint =
        S3ProxyServer.shared().endpoint().replace("://", "://proxy:" + ENDPOINT_PASSWORD + "@");
    String output =
        run(
            "s3://canary-export/through-sdk",
            "-D",
            "s3.endpoint=" + endpoint,
            "-D",
            "s3.region=us-east-1",
            "-D",
            "s3.path-style-access=true",
            "-D",
            "s3.access-key-id=" + S3ProxyServer.ACCESS_KEY,
            "-D",
            "s3.secret-access-key=" + S3ProxyServer.SECRET_KEY,
            "-D",
            "s3.session-token=" + SESSION_TOKEN,
            "-D",
            "s3.fast-path=false",
            "--retries=1");
    assertThat(output)
        .as("the SDK's DEBUG log is on, so that its absence of secrets proves something")
        .contains("DEBUG software.amazon.awssdk")
        .as("S3Proxy refuses the session token: the copy fails, naming what")
        .contains("failed copy data/a.csv")
        .contains("s3://canary-export/through-sdk/data/a.csv")
        .contains("proxy:<redacted>@127.0.0.1")
        .doesNotContain(SESSION_TOKEN)
        .doesNotContain(ENDPOINT_PASSWORD)
        .doesNotContain(S3ProxyServer.SECRET_KEY)
        .doesNotContain(LAKEFS_SECRET);
  }

  /** Presigned URLs read without storage credentials: their signatures stay out of everything. */
  @Test
  void aPresignedExportShowsNoSignature() throws Exception {
    String output = run(out.toUri().toString(), "--source-mode=presigned");
    assertThat(output).contains("Exported: repository canary").contains("DEBUG ");
    String statusFile;
    try (Stream<Path> files = Files.list(out)) {
      Path status =
          files.filter(p -> p.getFileName().toString().startsWith("EXPORT_")).findFirst().get();
      statusFile = Files.readString(status);
    }
    for (String text : List.of(output, statusFile)) {
      assertThat(text)
          .doesNotContain("X-Amz-Signature")
          .doesNotContain(LAKEFS_SECRET)
          .doesNotContain(S3ProxyServer.SECRET_KEY);
    }
  }

  /** The jar at -vv, the lakeFS secret from the environment; stdout and stderr together. */
  private String run(String destination, String... options) throws Exception {
    var command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                Path.of(System.getProperty("cli.jar")).toString(),
                "export",
                repository,
                destination,
                "--branch=main",
                "--lakefs-endpoint=" + emulator.apiUrl(),
                "--access-key-id=" + emulator.accessKeyId(),
                "--no-progress",
                "-vv"));
    command.addAll(List.of(options));
    var builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("LAKECTL_CREDENTIALS_SECRET_ACCESS_KEY", LAKEFS_SECRET);
    builder.environment().put("HOME", work.toString());
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as(output).isTrue();
    return output;
  }
}
