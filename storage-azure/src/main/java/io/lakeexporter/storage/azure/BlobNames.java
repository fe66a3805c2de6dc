package io.lakeexporter.storage.azure;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What Azure Blob Storage does not keep as written in a blob's name. The name travels in the URL,
 * which the service reads as .NET reads a URI: it drops the dots that end a path segment ({@code
 * x.} is kept as {@code x}, {@code a/../b} as {@code b}) and reads {@code \} as {@code /}, so such
 * a blob would land under another name, perhaps over another object's copy, and be reported as
 * written. It refuses control characters, names of more than 1,024 characters and names of more
 * than 254 path segments.
 */
final class BlobNames {

  private static final int MAX_CHARACTERS = 1024;
  private static final int MAX_SEGMENTS = 254;

  private BlobNames() {}

  /**
   * Azure's container naming rules: 3 to 63 lowercase letters, digits and hyphens, beginning and
   * ending with a letter or digit, no two hyphens in a row; and the service's own {@code $root},
   * {@code $web} and {@code $logs}.
   */
  private static final Pattern CONTAINER =
      Pattern.compile("(?=.{3,63}$)[a-z0-9]+(?:-[a-z0-9]+)*|\\$root|\\$web|\\$logs");

  /**
   * Why Azure has no container named {@code container}, or empty: a name it would never have given
   * a container is refused before a request goes out, where every blob's write would be a 400.
   */
  static Optional<String> containerProblem(String container) {
    if (CONTAINER.matcher(container).matches()) {
      return Optional.empty();
    }
    return Optional.of(
        "'"
            + container
            + "' is not an Azure container name: those hold 3 to 63 lowercase letters, digits and"
            + " hyphens, begin and end with a letter or digit, and have no two hyphens in a row");
  }

  /** Why the service would not keep a blob named {@code name} under that name, or empty. */
  static Optional<String> problem(String name) {
    if (name.length() > MAX_CHARACTERS) {
      return Optional.of(
          String.format(
              Locale.ROOT,
              "Azure Blob Storage takes blob names of up to 1,024 characters, and this one has %,d",
              name.length()));
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isISOControl(c)) {
        return Optional.of(
            String.format(
                Locale.ROOT,
                "Azure Blob Storage refuses control characters in blob names (U+%04X here)",
                (int) c));
      }
    }
    if (name.indexOf('\\') >= 0) {
      return Optional.of(
          "Azure Blob Storage reads '\\' in a blob name as '/': the blob would land under another"
              + " name, perhaps over another object's copy");
    }
    String[] segments = name.split("/", -1);
    if (segments.length > MAX_SEGMENTS) {
      return Optional.of(
          String.format(
              Locale.ROOT,
              "Azure Blob Storage takes blob names of up to 254 path segments, and this one has %,d",
              segments.length));
    }
    for (String segment : segments) {
      if (segment.endsWith(".")) {
        return Optional.of(
            "Azure Blob Storage drops the dots that end a path segment ('"
                + segment
                + "' here): the blob would land under another name, perhaps over another"
                + " object's copy");
      }
    }
    return Optional.empty();
  }
}
