package io.lakeexporter.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One measured command: wall time, CPU time (user + system) of its whole process tree, peak
 * resident set size of its largest process and exit code, taken by a small Python wrapper ({@code
 * measure.py}) with {@code os.wait4}, so that every tool is measured the same way from outside. A
 * descendant left running after the command exits fails the run with a non-zero exit code.
 */
record Measured(double wallSeconds, double cpuSeconds, long maxRssKib, int exitCode) {

  private static final Pattern FIELD =
      Pattern.compile("\"(wall_s|cpu_s|max_rss_kib|exit)\": (-?[0-9.eE+-]+)");

  static Measured run(Path workDir, Tool.Invocation invocation, Path log) throws IOException {
    Path script = workDir.resolve("measure.py");
    // Written every time: a work directory reused from an older build holds an older wrapper.
    try (InputStream in = Measured.class.getResourceAsStream("measure.py")) {
      Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
    }
    var command = new ArrayList<String>();
    command.add("python3");
    command.add(script.toString());
    command.add(log.toString());
    command.addAll(invocation.command());
    var builder = new ProcessBuilder(command).redirectErrorStream(true);
    invocation.unset().forEach(builder.environment()::remove);
    builder.environment().putAll(invocation.environment());
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while measuring " + invocation.command().get(0), e);
    }
    return parse(out);
  }

  static Measured parse(String json) throws IOException {
    double wall = Double.NaN;
    double cpu = Double.NaN;
    long rss = -1;
    int exit = Integer.MIN_VALUE;
    Matcher m = FIELD.matcher(json);
    while (m.find()) {
      switch (m.group(1)) {
        case "wall_s" -> wall = Double.parseDouble(m.group(2));
        case "cpu_s" -> cpu = Double.parseDouble(m.group(2));
        case "max_rss_kib" -> rss = Long.parseLong(m.group(2));
        default -> exit = Integer.parseInt(m.group(2));
      }
    }
    if (Double.isNaN(wall) || rss < 0 || exit == Integer.MIN_VALUE) {
      throw new IOException("the measuring wrapper said: " + json.strip());
    }
    return new Measured(wall, cpu, rss, exit);
  }
}
