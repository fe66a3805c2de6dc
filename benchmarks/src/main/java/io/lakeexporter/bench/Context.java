package io.lakeexporter.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What every tool needs to build its command: the project (for the exporter's jars), the JVM and
 * class path of this harness, the servers and the profile.
 */
record Context(Path projectRoot, String harnessClasspath, Workspace workspace, Profile profile) {

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** A file the build made, or an error that says how to make it. */
  Path built(String relative) {
    Path file = projectRoot.resolve(relative);
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(
          file + " is missing: build the project first (./mvnw -B install -DskipTests)");
    }
    return file;
  }
}
