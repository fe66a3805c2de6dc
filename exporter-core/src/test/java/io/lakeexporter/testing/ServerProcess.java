package io.lakeexporter.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real server run as a child process for tests (S3Proxy, Azurite, fake-gcs-server), bound to
 * 127.0.0.1 on a free port. Its output goes to a log file under {@code target/}. Closing it stops
 * the process (and its children) and removes the folders it was given to own; a JVM shutdown hook
 * does the same if a test run is cut short.
 */
public final class ServerProcess implements AutoCloseable {

  private final String name;
  private final Process process;
  private final int port;
  private final Path log;
  private final Thread shutdownHook;
  private final List<Path> owned = new CopyOnWriteArrayList<>();

  private ServerProcess(String name, Process process, int port, Path log) {
    this.name = name;
    this.process = process;
    this.port = port;
    this.log = log;
    this.shutdownHook = new Thread(this::stop, "stop-" + name);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Removes {@code dir} (the server's data, its temporary files) once the server is stopped. */
  public ServerProcess owning(Path dir) {
    owned.add(dir);
    return this;
  }

  /** A TCP port on 127.0.0.1 that was free a moment ago. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts {@code command} and waits until 127.0.0.1:{@code port} accepts connections.
   *
   * @throws IOException with the tail of the server's log when it exits or does not listen in time
   */
  public static ServerProcess start(
      String name,
      List<String> command,
      Path workDir,
      Map<String, String> environment,
      int port,
      Duration startTimeout)
      throws IOException {
    Objects.requireNonNull(command, "command is null");
    Files.createDirectories(workDir);
    Path log = workDir.resolve(name + "-" + port + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    Process process = builder.start();
    ServerProcess server = new ServerProcess(name, process, port, log);
    long deadline = System.nanoTime() + startTimeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        server.close();
        throw new IOException(
            name
                + " exited with "
                + process.exitValue()
                + " before listening:\n"
                + server.logTail());
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return server;
      } catch (IOException notYet) {
        sleep(100);
      }
    }
    server.close();
    throw new IOException(
        name
            + " did not listen on port "
            + port
            + " within "
            + startTimeout
            + ":\n"
            + server.logTail());
  }

  public String name() {
    return name;
  }

  public int port() {
    return port;
  }

  /** {@code http://127.0.0.1:<port>} */
  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The last lines the server wrote, for failure messages. */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
  }

  private void stop() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Path dir : owned) {
      try {
        TestTools.deleteTree(dir);
      } catch (IOException e) {
        System.err.println("could not remove " + dir + " of " + name + ": " + e.getMessage());
      }
    }
    owned.clear();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a server", e);
    }
  }
}
