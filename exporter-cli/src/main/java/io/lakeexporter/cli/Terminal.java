package io.lakeexporter.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The terminal standard error writes to, where the progress line is redrawn in place. Java 17 tells
 * only whether standard input and output are a terminal ({@code System.console()}): with stderr
 * sent to a file and stdout left on the terminal, the file filled with redrawn lines, and with
 * stdout sent to a file, a terminal got a log line every five seconds.
 */
final class Terminal {

  /** Most terminals are this wide at least. */
  static final int DEFAULT_COLUMNS = 80;

  private Terminal() {}

  /** The columns of the terminal stderr writes to, or 0 when it writes to a file or a pipe. */
  static int stderrColumns(Map<String, String> variables) {
    return stderrIsTerminal() ? columns(variables) : 0;
  }

  static boolean stderrIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException e) {
      // No /proc (macOS): the JVM's console, which stands for stdin's and stdout's terminal.
      return System.console() != null;
    }
  }

  /**
   * {@code COLUMNS} when the shell exports it; else the terminal's own width, asked of {@code stty}
   * once (a line wider than the terminal wraps, and the redraw then piles up wrapped lines); else
   * {@link #DEFAULT_COLUMNS}.
   */
  static int columns(Map<String, String> variables) {
    try {
      int columns = Integer.parseInt(variables.getOrDefault("COLUMNS", "").strip());
      if (columns > 0) {
        return columns;
      }
    } catch (NumberFormatException e) {
      // Not set, or no number: ask the terminal.
    }
    try {
      Process stty =
          new ProcessBuilder("stty", "size")
              .redirectInput(new File("/dev/tty"))
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      String size = new String(stty.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      if (stty.waitFor(1, TimeUnit.SECONDS) && stty.exitValue() == 0) {
        String[] rowsAndColumns = size.strip().split("\\s+");
        int columns = Integer.parseInt(rowsAndColumns[rowsAndColumns.length - 1]);
        if (columns > 0) {
          return columns;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // No stty, or no terminal to ask.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return DEFAULT_COLUMNS;
  }

  /** {@code line} cut to fit a line of {@code columns}, the cursor's last column left free. */
  static String fit(String line, int columns) {
    int room = Math.max(1, columns - 1);
    return line.length() <= room ? line : line.substring(0, room);
  }
}
