package io.lakeexporter.bench;

import io.lakeexporter.testing.TestTools;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Finds rclone and the AWS CLI on the PATH or installs them under {@code .tools/}: rclone from
 * Debian's package (unpacked, no root needed once the package lists exist), the AWS CLI from PyPI
 * into a virtual environment.
 */
final class PeerInstall {

  static final String AWSCLI_VERSION = "1.45.11";

  private PeerInstall() {}

  static Path rclone() throws IOException {
    Path onPath = onPath("rclone");
    if (onPath != null) {
      return onPath;
    }
    Path dir = TestTools.toolDir("rclone");
    Path bin = dir.resolve("usr/bin/rclone");
    if (Files.isExecutable(bin)) {
      return bin;
    }
    Files.createDirectories(dir);
    try {
      TestTools.runInstall(dir, List.of("apt-get", "download", "rclone"), 10);
    } catch (IOException first) {
      // A fresh machine may have no package lists yet; only root can fetch them.
      if (!"root".equals(System.getProperty("user.name"))) {
        throw new IOException("rclone is not installed and apt-get download failed", first);
      }
      TestTools.runInstall(dir, List.of("apt-get", "update", "-q"), 10);
      TestTools.runInstall(dir, List.of("apt-get", "download", "rclone"), 10);
    }
    try (var files = Files.list(dir)) {
      Path deb =
          files
              .filter(p -> p.getFileName().toString().endsWith(".deb"))
              .findFirst()
              .orElseThrow(() -> new IOException("apt-get download left no .deb in " + dir));
      TestTools.runInstall(dir, List.of("dpkg-deb", "-x", deb.toString(), dir.toString()), 5);
    }
    if (!Files.isExecutable(bin)) {
      throw new IOException("rclone's package has no " + bin);
    }
    return bin;
  }

  static Path aws() throws IOException {
    Path onPath = onPath("aws");
    if (onPath != null) {
      return onPath;
    }
    Path dir = TestTools.toolDir("awscli");
    Path bin = dir.resolve("bin/aws");
    if (!Files.isExecutable(bin)) {
      TestTools.runInstall(dir, List.of("python3", "-m", "venv", dir.toString()), 5);
      TestTools.runInstall(
          dir,
          List.of(
              dir.resolve("bin/pip").toString(), "install", "--quiet", "awscli==" + AWSCLI_VERSION),
          10);
    }
    return bin;
  }

  /** The first line a tool prints of its version. */
  static String version(Path tool, String flag) {
    try {
      Process p = new ProcessBuilder(tool.toString(), flag).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      p.waitFor(30, TimeUnit.SECONDS);
      return out.lines().findFirst().orElse("?");
    } catch (IOException e) {
      return "unknown (" + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  private static Path onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
