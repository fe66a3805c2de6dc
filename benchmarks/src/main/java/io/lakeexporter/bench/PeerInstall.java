package io.lakeexporter.bench;

import io.lakeexporter.testing.TestTools;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The peers the exporter is measured against, from Debian's packages, unpacked under {@code
 * .tools/} (no root needed once the package lists exist): rclone (unless one is on the PATH) and
 * the AWS CLI with the Python libraries it needs, run by Debian's own Python 3, which its compiled
 * parts were built for. {@code -Dbench.aws=PATH} measures another AWS CLI instead.
 */
final class PeerInstall {

  /** Debian's Python, which the packages' compiled modules and scripts are built for. */
  private static final Path DEBIAN_PYTHON = Path.of("/usr/bin/python3");

  private PeerInstall() {}

  static Path rclone() throws IOException {
    Path onPath = onPath("rclone");
    if (onPath != null) {
      return onPath;
    }
    Path dir = TestTools.toolDir("rclone");
    Path bin = dir.resolve("usr/bin/rclone");
    if (!Files.isExecutable(bin)) {
      ensurePackageLists(dir, "rclone");
      unpackDebianPackages(dir, List.of("rclone"), dir);
    }
    if (!Files.isExecutable(bin)) {
      throw new IOException("rclone's package has no " + bin);
    }
    return bin;
  }

  /**
   * Debian's {@code awscli} (version 2) and the {@code python3-*} packages it depends on, unpacked
   * side by side, behind a script that starts Debian's Python with them on its path.
   */
  static Path aws() throws IOException {
    String chosen = System.getProperty("bench.aws", "").strip();
    if (!chosen.isEmpty()) {
      return Path.of(chosen);
    }
    Path dir = TestTools.toolDir("awscli-debian");
    Path launcher = dir.resolve("aws");
    if (Files.isExecutable(launcher)) {
      return launcher;
    }
    if (!Files.isExecutable(DEBIAN_PYTHON)) {
      throw new IOException(
          "the AWS CLI from Debian's packages needs Debian's Python at "
              + DEBIAN_PYTHON
              + "; install it (apt-get install python3) or name another AWS CLI with"
              + " -Dbench.aws=PATH");
    }
    Path root = dir.resolve("root");
    ensurePackageLists(dir, "awscli");
    unpackDebianPackages(dir, pythonDependencies("awscli"), root);
    Path script = root.resolve("usr/bin/aws");
    if (!Files.isRegularFile(script)) {
      throw new IOException("the awscli package has no " + script);
    }
    // -s: the user's own site-packages (a pip-installed botocore, say) must not shadow Debian's.
    Files.writeString(
        launcher,
        "#!/bin/sh\nPYTHONPATH='"
            + root.resolve("usr/lib/python3/dist-packages")
            + "' exec "
            + DEBIAN_PYTHON
            + " -s '"
            + script
            + "' \"$@\"\n");
    Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    return launcher;
  }

  /**
   * {@code start} and, transitively, the Python packages it depends on ({@code python3-*}: the
   * interpreter and the libraries every Debian system has are left to the system). A dependency on
   * a virtual package ({@code <python3-cffi-backend-api-min>}) counts for the packages listed under
   * it as providing it.
   */
  private static List<String> pythonDependencies(String start) throws IOException {
    Set<String> found = new LinkedHashSet<>(List.of(start));
    var pending = new ArrayDeque<>(List.of(start));
    while (!pending.isEmpty()) {
      for (String line : aptCacheDepends(pending.pop())) {
        String entry = line.strip();
        String name;
        if (entry.startsWith("Depends:") || entry.startsWith("|Depends:")) {
          name = entry.substring(entry.indexOf(':') + 1).strip();
        } else if (line.startsWith("    ") && !entry.contains(":")) {
          name = entry; // a provider of the virtual package named on the line before
        } else {
          continue;
        }
        if (name.startsWith("python3-") && found.add(name)) {
          pending.add(name);
        }
      }
    }
    return new ArrayList<>(found);
  }

  private static List<String> aptCacheDepends(String name) throws IOException {
    return run(
        List.of(
            "apt-cache",
            "depends",
            "--no-recommends",
            "--no-suggests",
            "--no-conflicts",
            "--no-breaks",
            "--no-replaces",
            "--no-enhances",
            name));
  }

  /**
   * Makes sure apt knows {@code probe}: a fresh machine may have no package lists yet, and only
   * root can fetch them.
   */
  private static void ensurePackageLists(Path dir, String probe) throws IOException {
    try {
      run(List.of("apt-cache", "show", probe));
    } catch (IOException missing) {
      if (!"root".equals(System.getProperty("user.name"))) {
        throw new IOException(
            probe + ": apt knows no such package, and only root can update its lists", missing);
      }
      TestTools.runInstall(dir, List.of("apt-get", "update", "-q"), 10);
    }
  }

  /** Downloads Debian packages into {@code dir} and unpacks them all into {@code into}. */
  private static void unpackDebianPackages(Path dir, List<String> packages, Path into)
      throws IOException {
    var download = new ArrayList<>(List.of("apt-get", "download"));
    download.addAll(packages);
    TestTools.runInstall(dir, download, 10);
    List<Path> debs;
    try (var files = Files.list(dir)) {
      debs = files.filter(p -> p.getFileName().toString().endsWith(".deb")).sorted().toList();
    }
    if (debs.size() < packages.size()) {
      throw new IOException(
          "apt-get download left "
              + debs.size()
              + " of "
              + packages.size()
              + " packages in "
              + dir);
    }
    for (Path deb : debs) {
      TestTools.runInstall(dir, List.of("dpkg-deb", "-x", deb.toString(), into.toString()), 5);
    }
  }

  /** The lines a short query command prints; its failure names the command. */
  private static List<String> run(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + " failed:\n" + out);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException(String.join(" ", command) + " was interrupted", e);
    }
    return out.lines().toList();
  }

  /** The first line a tool prints of its version. */
  static String version(Path tool, String flag) {
    try {
      return run(List.of(tool.toString(), flag)).stream()
          .map(String::strip)
          .filter(line -> !line.isEmpty())
          .findFirst()
          .orElse("?");
    } catch (IOException e) {
      return "unknown (" + e.getMessage().lines().findFirst().orElse("") + ")";
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
