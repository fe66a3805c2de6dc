package io.lakeexporter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeexporter.testing.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runnable jar, run as a user runs it: in its own JVM, with only the jar on the class path. */
class CliJarIT {

  @TempDir Path dir;

  private record Result(int code, String output) {}

  private static List<String> javaJar() {
    String jar = System.getProperty("cli.jar");
    assertThat(jar).as("system property cli.jar").isNotNull();
    assertThat(Path.of(jar)).exists();
    return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar);
  }

  private Result java(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    var command = new ArrayList<>(javaJar());
    command.addAll(List.of(args));
    Process p = process(env, command).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), output);
  }

  private Result java(String... args) throws IOException, InterruptedException {
    return java(Map.of(), args);
  }

  /** A process in the test's directory with {@code env} and no lakectl settings of the build's. */
  private ProcessBuilder process(Map<String, String> env, List<String> command) {
    var builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("LAKECTL_"));
    builder.environment().put("HOME", dir.toString());
    builder.environment().putAll(env);
    return builder;
  }

  /** The jar's emulator with the demo repository, as its own process. */
  private ServerProcess emulator(String name) throws Exception {
    return emulator(name, dir.resolve("blockstore"));
  }

  /** As {@link #emulator(String)}, its {@code local://} namespaces under {@code blockstore}. */
  private ServerProcess emulator(String name, Path blockstore) throws Exception {
    int port = ServerProcess.freePort();
    var command = new ArrayList<>(javaJar());
    command.addAll(
        List.of(
            "emulator",
            "--port=" + port,
            "--access-key-id=AKIAJARTEST",
            "--secret-access-key=jar-test-secret",
            "--blockstore-dir=" + blockstore,
            "--sample"));
    var emulator =
        ServerProcess.start(
            name, command, Path.of("target", name), Map.of(), port, Duration.ofSeconds(60));
    // It listens before its sample repository is in: wait for the repository.
    String repo = emulator.endpoint() + "/api/v1/repositories/" + DemoCommand.REPOSITORY;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (send("GET", repo, "application/json", "").statusCode() == 404
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return emulator;
  }

  /** The variables that point an export at {@code emulator}. */
  private static Map<String, String> lakectl(ServerProcess emulator) {
    return Map.of(
        "LAKECTL_SERVER_ENDPOINT_URL", emulator.endpoint(),
        "LAKECTL_CREDENTIALS_ACCESS_KEY_ID", "AKIAJARTEST",
        "LAKECTL_CREDENTIALS_SECRET_ACCESS_KEY", "jar-test-secret");
  }

  @Test
  void versionProvidersDemoAndUsage() throws Exception {
    Result version = java("--version");
    assertThat(version.code()).isZero();
    assertThat(version.output()).startsWith("lakefs-export ");

    // Every storage module's provider survived the merge of META-INF/services.
    Result providers = java("providers");
    assertThat(providers.code()).as(providers.output()).isZero();
    assertThat(providers.output().lines())
        .contains(
            "local [file, local]",
            "http [http, https]",
            "s3 [s3, s3a]",
            "azure [abfs, abfss, http, https, wasb, wasbs]",
            "gcs [gs]",
            "  -Ds3.endpoint=...",
            "  -Dfs.s3a.bucket.<bucket>.endpoint.region=...",
            "  -Dazure.account.<account>.key=...",
            "  -Dgcs.no-auth=...",
            "  -Dlocal.fsync=...");

    Path tree = dir.resolve("out dir");
    Result demo = java("demo", "--to", tree.toString());
    assertThat(demo.code()).as(demo.output()).isZero();
    assertThat(demo.output()).contains("now holds:").doesNotContain("SLF4J");
    CliTest.assertDemoHead(tree);
    try (Stream<Path> files = Files.list(tree)) {
      assertThat(
              files.filter(p -> p.getFileName().toString().matches("EXPORT_[0-9a-f]{64}_SUCCESS")))
          .hasSize(2);
    }

    Result usage = java("export", "repo");
    assertThat(usage.code()).isEqualTo(2);
    assertThat(usage.output()).contains("<rootLocation>").contains("--help");
  }

  @Test
  void exportFromTheStandaloneEmulator() throws Exception {
    try (var emulator = emulator("cli-emulator")) {
      Path tree = dir.resolve("export");
      var env = lakectl(emulator);
      Result export = java(env, "export", DemoCommand.REPOSITORY, tree.toString(), "--branch=main");
      assertThat(export.code()).as(export.output()).isZero();
      assertThat(export.output())
          .contains("round 2/2 | 11/11 objects")
          .contains("Exported: repository demo-repo, branch main")
          .contains("(access key id AKIAJARTEST)")
          .doesNotContain("jar-test-secret");
      CliTest.assertDemoHead(tree);

      Result missing = java(env, "export", "nope", tree.toString(), "--commit_id=abc");
      assertThat(missing.code()).as(missing.output()).isEqualTo(1);
      assertThat(missing.output()).contains("repository 'nope' not found").doesNotContain("\tat ");

      // A store that cannot be reached: the exporter's one line per failure, not the Azure SDK's
      // own ERROR log of every failed request besides.
      int closed = ServerProcess.freePort();
      String azure = "http://127.0.0.1:" + closed + "/devstoreaccount1";
      Result unreachable =
          java(
              env,
              "export",
              DemoCommand.REPOSITORY,
              azure + "/cont/x/",
              "--branch=main",
              "--no-progress",
              "--retries=1",
              "-D",
              "azure.account.devstoreaccount1.endpoint=" + azure,
              "-D",
              "azure.account.devstoreaccount1.key=a2V5",
              "-D",
              "azure.sdk.max-tries=1");
      assertThat(unreachable.code()).as(unreachable.output()).isEqualTo(1);
      assertThat(unreachable.output())
          .contains("the connection was refused (is the server running, on this port?)")
          .doesNotContain("ERROR")
          .doesNotContain("Exception");

      // An Azure account without a key, SAS or connection string: the SDK's credential chain
      // finds no token. Refused before anything is copied, saying where a credential goes, not in
      // the identity library's warnings of every credential it tried.
      Result noCredential =
          java(
              env,
              "export",
              DemoCommand.REPOSITORY,
              "https://nocredential.blob.core.windows.net/cont/x/",
              "--branch=main",
              "--no-progress");
      assertThat(noCredential.code()).as(noCredential.output()).isEqualTo(2);
      assertThat(noCredential.output())
          .contains("no credential for account 'nocredential'")
          .contains("set azure.account.nocredential.key")
          .doesNotContain("(4 attempts)")
          .doesNotContain("msal4j")
          .doesNotContain("WARN");
      assertThat(emulator.isAlive()).isTrue();
    }
  }

  /**
   * lakeFS's default blockstore directory is {@code ~/lakefs/data/block} with {@code ~} as lakeFS
   * reads it, {@code $HOME}: a direct read of {@code local://} objects finds them there without the
   * setting, as {@code ~/.lakectl.yaml} is found.
   */
  @Test
  void localObjectsAreReadUnderHomeAsLakeFsKeepsThemByDefault() throws Exception {
    try (var emulator = emulator("cli-emulator-home", dir.resolve("lakefs/data/block"))) {
      Path tree = dir.resolve("direct");
      Result export =
          java(
              lakectl(emulator),
              "export",
              DemoCommand.REPOSITORY,
              tree.toString(),
              "--branch=main",
              "--source-mode=direct",
              "--no-progress");
      assertThat(export.code()).as(export.output()).isZero();
      CliTest.assertDemoHead(tree);
    }
  }

  @Test
  void aSignalStopsAnExportWithItsStatusFileAndNothingHalfWritten() throws Exception {
    try (var emulator = emulator("cli-emulator-signal")) {
      // SIGTERM, as Ctrl-C's SIGINT ends the same way.
      stopsOnSignal(emulator, javaJar(), "many", "TERM", 143);
    }
  }

  /**
   * The launcher's first export records the class archive with the JVM as its child: a signal to
   * the launcher stops the export all the same (Ctrl-C, which a child in the background does not
   * get, as SIGTERM), and nothing recorded is kept or left behind.
   */
  @Test
  void aSignalToTheLauncherRecordingItsArchiveStopsTheExportAsWell() throws Exception {
    Path cache = dir.resolve("cache/lakefs-export");
    var launcher = List.of(launcherPath().toString());
    try (var emulator = emulator("cli-emulator-launcher-signal")) {
      stopsOnSignal(emulator, launcher, "terminated", "TERM", 143);
      stopsOnSignal(emulator, launcher, "interrupted", "INT", 130);
    }
    try (var left = Files.list(cache)) {
      assertThat(left).as("no archive kept, no recording left").isEmpty();
    }
  }

  /**
   * Exports a new branch of 1,500 objects with {@code command}, sends {@code signal} once the
   * copies are under way, and checks the export stopped as an interrupt stops it: the exit code,
   * the FAILURE status file, no temporary file, not every object copied.
   */
  private void stopsOnSignal(
      ServerProcess emulator, List<String> command, String branch, String signal, int exitCode)
      throws Exception {
    int objects = 1500;
    String head = commitMany(emulator.endpoint(), branch, objects);
    Path tree = dir.resolve("stopped-" + branch);
    var export = new ArrayList<>(command);
    export.addAll(
        List.of(
            "export",
            DemoCommand.REPOSITORY,
            tree.toString(),
            "--branch=" + branch,
            "--concurrency=1",
            "--no-progress"));
    // To a file: a pipe's last bytes can be lost to a reader when the process ends.
    Path log = dir.resolve("stopped-" + branch + ".log");
    var env = new HashMap<>(lakectl(emulator));
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("XDG_CACHE_HOME", dir.resolve("cache").toString());
    Process p = process(env, export).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (files(tree) < 20 && p.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(p.isAlive()).as("still exporting when signalled").isTrue();
    Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid())).start();
    assertThat(kill.waitFor()).isZero();
    assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
    String said = Files.readString(log);
    assertThat(p.exitValue()).as(said).isEqualTo(exitCode);
    assertThat(said)
        .contains("stopping: aborting the copies in flight and writing the status file")
        .contains("FAILED: repository demo-repo, branch " + branch);
    assertThat(tree.resolve("EXPORT_" + head + "_FAILURE")).exists();
    try (Stream<Path> all = Files.walk(tree)) {
      List<String> names = all.map(f -> f.getFileName().toString()).toList();
      assertThat(names).noneMatch(n -> n.startsWith(".lakefs-export-"));
    }
    assertThat(files(tree)).isLessThan(objects);
  }

  /**
   * An export killed outright (SIGKILL) keeps its lease and can leave temporary files: run again at
   * once on the same machine, the export takes the lease over without waiting for its term, removes
   * what the killed one left unfinished, and ends with SUCCESS and nothing of its own left behind.
   */
  @Test
  void anExportKilledOutrightIsRunAgainAtOnceAndItsLeftoversRemoved() throws Exception {
    try (var emulator = emulator("cli-emulator-killed")) {
      int objects = 1500;
      String head = commitMany(emulator.endpoint(), "killed", objects);
      Path tree = dir.resolve("killed");
      var export = new ArrayList<>(javaJar());
      export.addAll(
          List.of(
              "export",
              DemoCommand.REPOSITORY,
              tree.toString(),
              "--branch=killed",
              "--concurrency=1",
              "--no-progress"));
      var env = lakectl(emulator);
      Process p = process(env, export).redirectOutput(dir.resolve("killed-1.log").toFile()).start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (files(tree) < 20 && p.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(p.isAlive()).as("still exporting when killed").isTrue();
      p.destroyForcibly();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(tree.resolve("EXPORT_RUNNING")).as("the killed export's lease").exists();
      // What a kill in the middle of a copy leaves beside its target.
      Path leftover = tree.resolve("bulk/p0/.lakefs-export-killed-copy.tmp");
      Files.createDirectories(leftover.getParent());
      Files.writeString(leftover, "half a copy");

      Path log = dir.resolve("killed-2.log");
      Process again = process(env, export).redirectOutput(log.toFile()).start();
      assertThat(again.waitFor(120, TimeUnit.SECONDS)).isTrue();
      String said = Files.readString(log);
      assertThat(again.exitValue()).as(said).isZero();
      assertThat(said)
          .contains("its process is no longer running on this machine")
          .containsPattern("removed [1-9][0-9]* unfinished copies")
          // Warnings without the time since the start, the thread and the logger's class.
          .containsPattern("(?m)^WARN an export of commit .*its process is no longer running")
          .containsPattern("(?m)^WARN removed [1-9]")
          .doesNotContain("[main]")
          .doesNotContain("io.lakeexporter.");
      assertThat(tree.resolve("EXPORT_" + head + "_SUCCESS")).exists();
      assertThat(tree.resolve("EXPORT_RUNNING")).doesNotExist();
      try (Stream<Path> all = Files.walk(tree)) {
        assertThat(all.map(f -> f.getFileName().toString()))
            .noneMatch(n -> n.startsWith(".lakefs-export-"));
      }
    }
  }

  /** Regular files under {@code tree}, none while it does not exist. */
  private static long files(Path tree) throws IOException {
    if (!Files.isDirectory(tree)) {
      return 0;
    }
    try (Stream<Path> all = Files.walk(tree)) {
      return all.filter(Files::isRegularFile).count();
    } catch (UncheckedIOException e) {
      return 0; // a file moved while walking
    }
  }

  /** Branch {@code branch} of the demo repository with {@code count} more objects; its head. */
  private static String commitMany(String endpoint, String branch, int count) throws Exception {
    String repo = endpoint + "/api/v1/repositories/" + DemoCommand.REPOSITORY;
    post(
        repo + "/branches",
        "application/json",
        "{\"name\":\"" + branch + "\",\"source\":\"main\"}");
    for (int i = 0; i < count; i++) {
      post(
          repo + "/branches/" + branch + "/objects?path=bulk/p" + (i % 10) + "/obj-" + i + ".bin",
          "application/octet-stream",
          "x".repeat(2000));
    }
    String commit =
        post(
            repo + "/branches/" + branch + "/commits",
            "application/json",
            "{\"message\":\"" + branch + "\"}");
    var id = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f]+)\"").matcher(commit);
    assertThat(id.find()).as(commit).isTrue();
    return id.group(1);
  }

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** A request to the emulator as its user. */
  private static HttpResponse<String> send(
      String method, String url, String contentType, String body) throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create(url))
            .header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString(
                            "AKIAJARTEST:jar-test-secret".getBytes(StandardCharsets.UTF_8)))
            .header("Content-Type", contentType)
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** A POST that must succeed; the answer's body. */
  private static String post(String url, String contentType, String body) throws Exception {
    var answer = send("POST", url, contentType, body);
    assertThat(answer.statusCode()).as(url + ": " + answer.body()).isLessThan(300);
    return answer.body();
  }

  @Test
  void theLauncherRunsTheJarWithItsJvmSettingsAndTheUsersOptions() throws Exception {
    String providers = launch(Map.of(), "providers");
    assertThat(providers).contains("-XX:TieredStopAtLevel=1").contains("-XX:+UseSerialGC");
    assertThat(providers).contains("s3 [s3, s3a]");
    assertThat(providers).as("not an export: nothing recorded").doesNotContain("ArchiveClasses");
  }

  @Test
  void theLaunchersFirstExportRecordsTheClassArchiveTheNextOnesMap() throws Exception {
    Path cache = dir.resolve("cache/lakefs-export");
    // Help loads few of an export's classes: an archive of them would serve every later export.
    assertThat(launch(Map.of(), "export", "--help")).doesNotContain("ArchiveClassesAtExit");
    // A failed export records, but what it recorded is not kept.
    String failed =
        launch(
            1,
            Map.of(),
            "export",
            "repo",
            dir.resolve("never").toString(),
            "--branch=main",
            "--lakefs-endpoint=http://127.0.0.1:1/api/v1",
            "--access-key-id=AK",
            "--secret-access-key=SK");
    assertThat(failed).contains("-XX:ArchiveClassesAtExit=" + cache);
    try (var left = Files.list(cache)) {
      assertThat(left).as("nothing kept from a failed export").isEmpty();
    }
    String first = launch(Map.of(), "demo", "--to", dir.resolve("one").toString());
    assertThat(first).contains("-XX:ArchiveClassesAtExit=" + cache);
    try (var archives = Files.list(cache)) {
      assertThat(archives.map(a -> a.getFileName().toString()).toList())
          .singleElement(InstanceOfAssertFactories.STRING)
          .endsWith(".jsa");
    }
    String second = launch(Map.of(), "demo", "--to", dir.resolve("two").toString());
    assertThat(second).contains("-XX:SharedArchiveFile=" + cache);
    assertThat(dir.resolve("two")).isDirectory();
    try (var archives = Files.list(cache)) {
      for (Path archive : archives.toList()) {
        Files.delete(archive);
      }
    }
    // The JVM refuses to record while an agent is loaded (a profiler, here the debugger's).
    String withAgent =
        launch(
            Map.of(
                "LAKEFS_EXPORT_JAVA_OPTS",
                "-XX:+PrintCommandLineFlags"
                    + " -agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:0"),
            "demo",
            "--to",
            dir.resolve("agent").toString());
    assertThat(withAgent).doesNotContain("ArchiveClassesAtExit").contains("Exported");
    String off =
        launch(Map.of("LAKEFS_EXPORT_CDS", "off"), "demo", "--to", dir.resolve("x").toString());
    assertThat(off).doesNotContain("SharedArchiveFile").doesNotContain("ArchiveClassesAtExit");
  }

  @Test
  void theLauncherFindsItsJarAndJavaWhenStartedByNameWithoutJavaHome() throws Exception {
    Path launcher = launcherPath();
    Map<String, String> env = new HashMap<>();
    // No JAVA_HOME: the java on the PATH runs, and names the class archive with the jar.
    env.put("JAVA_HOME", null);
    env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
    // Started as "sh lakefs-export" from its own directory: no directory in its name.
    String providers = run(launcher.getParent(), List.of("sh", "lakefs-export", "providers"), env);
    assertThat(providers).contains("-XX:TieredStopAtLevel=1").contains("s3 [s3, s3a]");
    Path cache = dir.resolve("cache/lakefs-export");
    String first =
        run(
            launcher.getParent(),
            List.of("sh", "lakefs-export", "demo", "--to", dir.resolve("one").toString()),
            env);
    assertThat(first).contains("-XX:ArchiveClassesAtExit=" + cache);
    String second =
        run(dir, List.of(launcher.toString(), "demo", "--to", dir.resolve("two").toString()), env);
    assertThat(second)
        .as("the same archive, however started")
        .contains("-XX:SharedArchiveFile=" + cache);
    assertThat(dir.resolve("two")).isDirectory();
  }

  @Test
  void theLauncherFollowsALinkToItselfAndRecordsItsArchiveUnderAPathWithSpaces() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path link = Files.createSymbolicLink(bin.resolve("lakefs-export"), launcherPath());
    Path cache = dir.resolve("my cache");
    var env = new HashMap<String, String>();
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("XDG_CACHE_HOME", cache.toString());
    List<String> demo = List.of(link.toString(), "demo", "--to");
    String first = run(dir, concat(demo, dir.resolve("one").toString()), env);
    assertThat(first).contains("-XX:ArchiveClassesAtExit=" + cache).contains("Exported");
    String second = run(dir, concat(demo, dir.resolve("two").toString()), env);
    assertThat(second).contains("-XX:SharedArchiveFile=" + cache).contains("Exported");
    Files.delete(link); // the temporary directory's removal would warn of a link out of it
  }

  @Test
  void aMissingOrTooOldJavaIsRefusedWithTheCodeOfBadSettings() throws Exception {
    String missing = launch(2, Map.of("JAVA_HOME", dir.resolve("no-jdk").toString()), "--version");
    assertThat(missing).contains("JAVA_HOME=" + dir.resolve("no-jdk") + " has no bin/java");
    // A JDK 11 as its release file names it, whose java would refuse the jar's classes.
    Path old = Files.createDirectories(dir.resolve("jdk-11/bin"));
    Files.createSymbolicLink(
        old.resolve("java"), Path.of(System.getProperty("java.home"), "bin", "java"));
    Files.writeString(
        old.resolveSibling("release"), "IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"11.0.22\"\n");
    String tooOld = launch(2, Map.of("JAVA_HOME", old.getParent().toString()), "--version");
    assertThat(tooOld).contains("is Java 11.0.22; it needs Java 17 or later");
    Files.delete(old.resolve("java"));
    var noJava = new HashMap<String, String>();
    noJava.put("JAVA_HOME", null);
    noJava.put("PATH", dir.toString());
    String none = run(2, dir, List.of("/bin/sh", launcherPath().toString(), "--version"), noJava);
    assertThat(none).contains("no java on the PATH");
  }

  private static List<String> concat(List<String> head, String last) {
    var all = new ArrayList<>(head);
    all.add(last);
    return all;
  }

  /** Runs the launcher; its output starts with the JVM's flags, then the tool's own. */
  private String launch(Map<String, String> env, String... args) throws Exception {
    return launch(0, env, args);
  }

  private String launch(int exitCode, Map<String, String> env, String... args) throws Exception {
    var command = new ArrayList<String>(List.of(launcherPath().toString()));
    command.addAll(List.of(args));
    var environment = new HashMap<String, String>();
    environment.put("JAVA_HOME", System.getProperty("java.home"));
    environment.putAll(env);
    return run(exitCode, dir, command, environment);
  }

  private static Path launcherPath() {
    Path launcher =
        Path.of(System.getProperty("cli.jar")).getParent().getParent().resolve("lakefs-export");
    assertThat(launcher).isExecutable();
    return launcher;
  }

  private String run(Path directory, List<String> command, Map<String, String> env)
      throws Exception {
    return run(0, directory, command, env);
  }

  /** Runs a command; a {@code null} in {@code env} removes that variable. */
  private String run(int exitCode, Path directory, List<String> command, Map<String, String> env)
      throws Exception {
    var builder =
        new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
    builder.environment().put("XDG_CACHE_HOME", dir.resolve("cache").toString());
    // A JVM option of the user's, after the launcher's own: printing the flags proves both.
    builder.environment().put("LAKEFS_EXPORT_JAVA_OPTS", "-XX:+PrintCommandLineFlags");
    env.forEach(
        (k, v) -> {
          if (v == null) {
            builder.environment().remove(k);
          } else {
            builder.environment().put(k, v);
          }
        });
    Process p = builder.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isEqualTo(exitCode);
    return output;
  }
}
