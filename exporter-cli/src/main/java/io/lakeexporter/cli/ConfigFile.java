package io.lakeexporter.cli;

import io.lakeexporter.cli.args.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/** The {@code --config} file: Java properties, storage and {@code lakefs.api.*} settings. */
final class ConfigFile {

  private ConfigFile() {}

  /**
   * The settings in {@code configFile}, none when it is null.
   *
   * @throws UsageException naming the file, and for a malformed escape its line, never its text
   */
  static Properties read(Path configFile) {
    var properties = new Properties();
    if (configFile == null) {
      return properties;
    }
    try (InputStream in = Files.newInputStream(configFile)) {
      properties.load(in);
    } catch (NoSuchFileException e) {
      throw new UsageException("cannot read --config " + configFile + ": no such file");
    } catch (AccessDeniedException e) {
      throw new UsageException("cannot read --config " + configFile + ": permission denied");
    } catch (IOException e) {
      throw new UsageException("cannot read --config " + configFile + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      // A malformed unicode escape: Properties says what, not in which file or on which line.
      throw new UsageException(
          "cannot read --config "
              + configFile
              + ": not a properties file ("
              + e.getMessage()
              + ")"
              + badEscapeLine(configFile)
                  .map(
                      line ->
                          "; line "
                              + line
                              + " has a \\u without four hex digits after it (a backslash of"
                              + " its own is written \\\\)")
                  .orElse(""));
    }
    return properties;
  }

  /**
   * The first line (from 1) holding a backslash-u escape that is not followed by four hex digits,
   * outside comments, as {@link Properties#load} reads them; the line is never quoted (its value
   * may be a secret).
   */
  private static Optional<Integer> badEscapeLine(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return Optional.empty();
    }
    boolean continued = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      String lead = line.stripLeading();
      boolean comment = !continued && (lead.startsWith("#") || lead.startsWith("!"));
      int backslashes = 0;
      for (int c = 0; c < line.length(); c++) {
        if (line.charAt(c) == '\\') {
          backslashes++;
          continue;
        }
        if (!comment
            && backslashes % 2 == 1
            && line.charAt(c) == 'u'
            && !fourHexDigits(line, c + 1)) {
          return Optional.of(i + 1);
        }
        backslashes = 0;
      }
      // A line ending in an odd run of backslashes goes on in the next one.
      continued = !comment && backslashes % 2 == 1;
    }
    return Optional.empty();
  }

  private static boolean fourHexDigits(String line, int from) {
    if (from + 4 > line.length()) {
      return false;
    }
    for (int c = from; c < from + 4; c++) {
      if (Character.digit(line.charAt(c), 16) < 0) {
        return false;
      }
    }
    return true;
  }
}
