package io.lakeexporter.storage;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * An object or a prefix in some store: {@code scheme://authority/path}.
 *
 * <p>One parser for every form the project accepts: {@code s3://bucket/key}, {@code s3a://}, {@code
 * gs://bucket/key}, {@code https://account.blob.core.windows.net/container/key}, {@code
 * abfs[s]://container@account.dfs.core.windows.net/key}, {@code wasb[s]://...}, emulator endpoints
 * such as {@code http://127.0.0.1:10000/account/container/key}, lakeFS {@code local://} addresses,
 * {@code file:} URIs and plain filesystem paths.
 *
 * <p>Object keys are kept exactly as written: object stores allow {@code ?}, {@code #}, {@code %}
 * and spaces in keys, so the path is not URI-decoded. Only {@code http(s)} locations carry a query
 * (a presigned URL's signature); {@link #toString()} never shows it, nor the password of a user
 * info.
 *
 * @param scheme lower-case scheme, {@code file} for filesystem paths
 * @param authority bucket, container@account, host:port, or empty
 * @param path the key or prefix, without a leading slash (for {@code file}: the absolute path
 *     without its leading slash)
 * @param query the query of an {@code http(s)} location, empty otherwise
 */
public record Location(String scheme, String authority, String path, String query) {

  public Location {
    Objects.requireNonNull(scheme, "scheme is null");
    Objects.requireNonNull(authority, "authority is null");
    Objects.requireNonNull(path, "path is null");
    Objects.requireNonNull(query, "query is null");
    if (scheme.isEmpty()) {
      throw new IllegalArgumentException("location has no scheme");
    }
    scheme = scheme.toLowerCase(Locale.ROOT);
    if (path.startsWith("/")) {
      path = path.substring(1);
    }
  }

  public Location(String scheme, String authority, String path) {
    this(scheme, authority, path, "");
  }

  /**
   * Parses any supported location form.
   *
   * @throws IllegalArgumentException naming the input when it is not a location
   */
  public static Location parse(String location) {
    Objects.requireNonNull(location, "location is null");
    return parseText(location.strip());
  }

  /**
   * Parses an object's address as lakeFS gives it (a physical address or a presigned URL): as
   * {@link #parse}, but exactly as written. {@code parse} drops whitespace around what a user
   * typed, while a key may end with a space, a tab or a newline: {@code s3://bucket/x } is another
   * object than {@code s3://bucket/x}.
   *
   * @throws IllegalArgumentException naming the input when it is not a location
   */
  public static Location parseAddress(String address) {
    Objects.requireNonNull(address, "address is null");
    return parseText(address);
  }

  private static Location parseText(String text) {
    if (text.isBlank()) {
      throw new IllegalArgumentException("location is empty");
    }
    int sep = text.indexOf("://");
    int colon = text.indexOf(':');
    if (sep < 0) {
      if (colon > 1 && text.regionMatches(true, 0, "file:", 0, 5)) {
        // file:/abs/path
        if (text.length() == 5) {
          throw new IllegalArgumentException(
              "location '" + text + "' has no path; expected file:///absolute/path");
        }
        if (text.charAt(5) != '/') {
          // A file URI's path is absolute: read as relative, it would land wherever the process
          // happens to run.
          throw new IllegalArgumentException(
              "location '"
                  + text
                  + "' has a relative path; expected file:///absolute/path, or a plain path for"
                  + " one relative to the working directory");
        }
        return ofPath(Path.of(decodeFileUri(text.substring(5))));
      }
      if (colon > 1 && isScheme(text.substring(0, colon))) {
        throw new IllegalArgumentException(
            "location '"
                + Redaction.url(text)
                + "' has no '//' after the scheme; expected scheme://...");
      }
      return ofPath(Path.of(text));
    }
    String scheme = text.substring(0, sep);
    if (!isScheme(scheme)) {
      throw new IllegalArgumentException(
          "location '" + Redaction.url(text) + "' has an invalid scheme");
    }
    String rest = text.substring(sep + 3);
    if (scheme.equalsIgnoreCase("file")) {
      // file:///abs/path (empty authority) or file://localhost/abs/path
      if (rest.isEmpty() || rest.equalsIgnoreCase("localhost")) {
        // Not the filesystem's root: a path left out is a mistake, and "/" a costly guess.
        throw new IllegalArgumentException(
            "location '" + text + "' has no path; expected file:///absolute/path");
      }
      int slash = rest.indexOf('/');
      String host = slash < 0 ? rest : rest.substring(0, slash);
      if (!host.isEmpty() && !host.equalsIgnoreCase("localhost")) {
        throw new IllegalArgumentException(
            "location '"
                + Redaction.url(text)
                + "' names host '"
                + Redaction.authority(host)
                + "'; file locations must be local");
      }
      return ofPath(Path.of(slash < 0 ? "/" : decodeFileUri(rest.substring(slash))));
    }
    String query = "";
    boolean http = scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https");
    if (http) {
      int q = rest.indexOf('?');
      if (q >= 0) {
        query = rest.substring(q + 1);
        rest = rest.substring(0, q);
      }
    }
    int slash = rest.indexOf('/');
    String authority = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? "" : rest.substring(slash + 1);
    if (authority.isEmpty() && !scheme.equalsIgnoreCase("local")) {
      throw new IllegalArgumentException(
          "location '"
              + Redaction.url(text)
              + "' has no bucket, container or host"
              + (rest.startsWith("/")
                  ? "; a local directory is file:///absolute/path, or a plain path"
                  : ""));
    }
    return new Location(scheme, authority, path, query);
  }

  /** A filesystem path as a {@code file} location. */
  public static Location ofPath(Path path) {
    Objects.requireNonNull(path, "path is null");
    String absolute = path.toAbsolutePath().normalize().toString();
    return new Location("file", "", absolute);
  }

  /**
   * A {@code file:} URI is a URI: {@code Path.toUri()} writes a space as {@code %20}. Valid {@code
   * %XX} escapes are decoded (as UTF-8); a {@code %} not followed by two hex digits stays.
   */
  static String decodeFileUri(String path) {
    if (path.indexOf('%') < 0) {
      return path;
    }
    var bytes = new ByteArrayOutputStream();
    byte[] raw = path.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] == '%' && i + 2 < raw.length && hex(raw[i + 1]) >= 0 && hex(raw[i + 2]) >= 0) {
        bytes.write(hex(raw[i + 1]) * 16 + hex(raw[i + 2]));
        i += 2;
      } else {
        bytes.write(raw[i]);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static int hex(byte b) {
    return Character.digit((char) b, 16);
  }

  private static boolean isScheme(String s) {
    if (s.isEmpty() || !Character.isLetter(s.charAt(0))) {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!Character.isLetterOrDigit(c) && c != '+' && c != '-' && c != '.') {
        return false;
      }
    }
    return true;
  }

  /** The location of {@code key} under this one, as a prefix. */
  public Location child(String key) {
    Objects.requireNonNull(key, "key is null");
    if (key.isEmpty()) {
      return this;
    }
    String base = path.isEmpty() || path.endsWith("/") ? path : path + "/";
    return new Location(scheme, authority, base + key, "");
  }

  /** The last path segment: the file name of an object. */
  public String name() {
    String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    return p.substring(p.lastIndexOf('/') + 1);
  }

  /** This location's path as a filesystem path; only for {@code file} locations. */
  public Path toPath() {
    if (!scheme.equals("file")) {
      throw new IllegalStateException("not a file location: " + this);
    }
    return Path.of("/" + path);
  }

  /**
   * The full URI, query included. For clients that need it; never log it: a presigned URL's
   * signature is a credential.
   */
  public URI toUri() {
    return URI.create(toUnredactedString());
  }

  /** The full text, query included. Never log it. */
  public String toUnredactedString() {
    return query.isEmpty() ? withoutQuery() : withoutQuery() + "?" + query;
  }

  /**
   * The location with {@code <redacted>} in place of any query and of the password of any user info
   * ({@link Redaction}); safe to log.
   */
  @Override
  public String toString() {
    String shown = withoutQuery(Redaction.authority(authority));
    return query.isEmpty() ? shown : shown + "?" + Redaction.REDACTED;
  }

  private String withoutQuery() {
    return withoutQuery(authority);
  }

  private String withoutQuery(String authority) {
    if (scheme.equals("file")) {
      return "file:///" + path;
    }
    return path.isEmpty() ? scheme + "://" + authority : scheme + "://" + authority + "/" + path;
  }
}
