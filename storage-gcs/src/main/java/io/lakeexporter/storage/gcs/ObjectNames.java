package io.lakeexporter.storage.gcs;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The object names Cloud Storage refuses: longer than 1,024 bytes in UTF-8, holding a carriage
 * return or a line feed, {@code .} or {@code ..}, or under {@code .well-known/acme-challenge/}.
 * Told before a request, so that the key is named with the rule it breaks.
 */
final class ObjectNames {

  private static final int MAX_BYTES = 1024;
  private static final String ACME_CHALLENGE = ".well-known/acme-challenge/";

  /**
   * Google's bucket naming rules, as far as the characters and their places go: lowercase letters,
   * digits, '-', '_' and '.', beginning and ending with a letter or digit; 3 to 63 characters, or
   * up to 222 with dots between parts of up to 63.
   */
  private static final Pattern BUCKET =
      Pattern.compile(
          "(?=.{3,222}$)[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?)*");

  private ObjectNames() {}

  /**
   * Why Cloud Storage has no bucket named {@code bucket}, or empty: a name it would never have
   * given a bucket is refused before a request goes out (where it would be a 400, or, without a
   * network, a failure to connect for every key).
   */
  static Optional<String> bucketProblem(String bucket) {
    if (BUCKET.matcher(bucket).matches()) {
      return Optional.empty();
    }
    return Optional.of(
        "'"
            + bucket
            + "' is not a Cloud Storage bucket name: those hold lowercase letters, digits, '-', '_'"
            + " and '.', begin and end with a letter or digit, and have 3 to 63 characters (up to"
            + " 222 with dots)");
  }

  /** Why Cloud Storage would refuse an object named {@code name}, or empty. */
  static Optional<String> problem(String name) {
    int bytes = name.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_BYTES) {
      return Optional.of(
          String.format(
              Locale.ROOT,
              "Cloud Storage takes object names of up to 1,024 bytes in UTF-8, and this one has %,d",
              bytes));
    }
    if (name.indexOf('\r') >= 0 || name.indexOf('\n') >= 0) {
      return Optional.of(
          "Cloud Storage refuses object names that hold a carriage return or a line feed");
    }
    if (name.equals(".") || name.equals("..")) {
      return Optional.of("Cloud Storage refuses the object names '.' and '..'");
    }
    if (name.startsWith(ACME_CHALLENGE)) {
      return Optional.of(
          "Cloud Storage refuses object names that begin with '" + ACME_CHALLENGE + "'");
    }
    return Optional.empty();
  }
}
