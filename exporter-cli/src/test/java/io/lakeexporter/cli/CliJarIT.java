package io.lakeexporter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runnable jar, run as a user runs it: in its own JVM. */
class CliJarIT {

  @TempDir Path dir;

  private record Result(int code, String output) {}

  private Result java(String... args) throws IOException, InterruptedException {
    String jar = System.getProperty("cli.jar");
    assertThat(jar).as("system property cli.jar").isNotNull();
    var command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), output);
  }

  @Test
  void versionProvidersAndDemo() throws Exception {
    Result version = java("--version");
    assertThat(version.code()).isZero();
    assertThat(version.output()).startsWith("lakefs-export ");

    Result providers = java("providers");
    assertThat(providers.code()).as(providers.output()).isZero();
    assertThat(providers.output()).contains("local [file, local]").contains("http [http, https]");

    Result demo = java("demo");
    assertThat(demo.code()).as(demo.output()).isZero();
    Path tree = dir.resolve("lakefs-export-demo");
    assertThat(tree.resolve("tables/events/_SUCCESS")).exists();
    assertThat(tree.resolve("scratch/draft.txt")).doesNotExist();
    try (var files = Files.list(tree)) {
      assertThat(
              files.filter(p -> p.getFileName().toString().matches("EXPORT_[0-9a-f]{64}_SUCCESS")))
          .hasSize(2);
    }

    Result usage = java("export", "repo");
    assertThat(usage.code()).isEqualTo(2);
    assertThat(usage.output()).contains("--help");
  }
}
