package io.lakeexporter.storage;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * User metadata that travels as HTTP headers (S3's {@code x-amz-meta-*}, Azure's {@code
 * x-ms-meta-*}) and what would not come back as it went: two names that differ only in case (the
 * service keeps one of them, the other's value is lost), a name a header cannot carry, a value with
 * a space at either end (trimmed as headers are) or a character outside printable ASCII (garbled,
 * or the request refused as a bad signature). lakeFS keeps all of these; GCS, which takes metadata
 * in JSON, too.
 */
public final class HeaderMetadata {

  private static final String TOKEN_SYMBOLS = "!#$%&'*+-.^_`|~";

  private HeaderMetadata() {}

  /**
   * Why {@code service} would not keep {@code metadata}'s user metadata as it is, or empty.
   *
   * @param namesAreHeaders whether the names go out as they are (S3); false where the store encodes
   *     them first (Azure), so that only their case can clash
   */
  public static Optional<String> problem(
      ObjectMetadata metadata, String service, boolean namesAreHeaders) {
    var byFoldedName = new TreeMap<String, String>();
    for (Map.Entry<String, String> e : new TreeMap<>(metadata.userMetadata()).entrySet()) {
      String name = e.getKey();
      String other = byFoldedName.put(name.toLowerCase(Locale.ROOT), name);
      if (other != null) {
        return Optional.of(
            "user metadata names '"
                + other
                + "' and '"
                + name
                + "' differ only in case: "
                + service
                + " keeps one of them");
      }
      if (namesAreHeaders) {
        Optional<String> bad = firstNonToken(name);
        if (bad.isPresent()) {
          return Optional.of(
              "user metadata name '"
                  + name
                  + "' holds "
                  + bad.get()
                  + ", which "
                  + service
                  + " does not take in a metadata name");
        }
      }
      Optional<String> value = valueProblem(e.getValue());
      if (value.isPresent()) {
        return Optional.of(
            "the value of user metadata '" + name + "' " + value.get() + " (" + service + ")");
      }
    }
    return Optional.empty();
  }

  private static Optional<String> firstNonToken(String name) {
    if (name.isEmpty()) {
      return Optional.of("no character");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean token = c < 128 && (Character.isLetterOrDigit(c) || TOKEN_SYMBOLS.indexOf(c) >= 0);
      if (!token) {
        return Optional.of(codePoint(name.codePointAt(i)));
      }
    }
    return Optional.empty();
  }

  private static Optional<String> valueProblem(String value) {
    if (!value.isEmpty() && (value.charAt(0) == ' ' || value.charAt(value.length() - 1) == ' ')) {
      return Optional.of("starts or ends with a space, which a header loses");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return Optional.of(
            "holds "
                + codePoint(value.codePointAt(i))
                + ", outside the printable ASCII a header carries");
      }
    }
    return Optional.empty();
  }

  private static String codePoint(int c) {
    return String.format(Locale.ROOT, "U+%04X", c);
  }
}
