package io.lakeexporter.source;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.lakeexporter.InvalidExportException;
import io.lakeexporter.storage.SettingKeys;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where lakeFS is and how to sign in. Built explicitly, from Hadoop-style keys ({@code
 * lakefs.api.url} and friends, as Spark jobs carry them), or from lakectl's conventions ({@code
 * LAKECTL_*} environment variables and {@code ~/.lakectl.yaml}). {@link #toString()} hides the
 * secret, and the endpoint never holds a user name or password (such an endpoint is refused).
 *
 * @param apiUrl the API base, always ending in {@code /api/v1}, with a host and no user info
 * @param accessKeyId the access key id
 * @param secretAccessKey the secret access key
 * @param connectTimeout connection timeout
 * @param readTimeout read timeout
 */
public record LakeFsConfig(
    String apiUrl,
    String accessKeyId,
    String secretAccessKey,
    Duration connectTimeout,
    Duration readTimeout)
    implements Serializable {

  public static final String API_URL_KEY = "lakefs.api.url";
  public static final String ACCESS_KEY_KEY = "lakefs.api.access_key";
  public static final String SECRET_KEY_KEY = "lakefs.api.secret_key";
  public static final String CONNECTION_TIMEOUT_KEY = "lakefs.api.connection.timeout_seconds";
  public static final String READ_TIMEOUT_KEY = "lakefs.api.read.timeout_seconds";

  /** Every {@code lakefs.api.*} key read; any other under that prefix is refused as misspelt. */
  public static final SettingKeys KEYS =
      new SettingKeys(
          "lakefs.api.",
          "lakeFS's settings",
          List.of(
              API_URL_KEY,
              ACCESS_KEY_KEY,
              SECRET_KEY_KEY,
              CONNECTION_TIMEOUT_KEY,
              READ_TIMEOUT_KEY));

  public static final String ENV_ENDPOINT = "LAKECTL_SERVER_ENDPOINT_URL";
  public static final String ENV_ACCESS_KEY = "LAKECTL_CREDENTIALS_ACCESS_KEY_ID";
  public static final String ENV_SECRET_KEY = "LAKECTL_CREDENTIALS_SECRET_ACCESS_KEY";

  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);

  public LakeFsConfig {
    Objects.requireNonNull(apiUrl, "apiUrl is null");
    Objects.requireNonNull(accessKeyId, "accessKeyId is null");
    Objects.requireNonNull(secretAccessKey, "secretAccessKey is null");
    Objects.requireNonNull(connectTimeout, "connectTimeout is null");
    Objects.requireNonNull(readTimeout, "readTimeout is null");
    if (connectTimeout.isNegative() || readTimeout.isNegative()) {
      throw new InvalidExportException(
          "lakeFS timeouts must not be negative: connect "
              + connectTimeout
              + ", read "
              + readTimeout
              + " ("
              + CONNECTION_TIMEOUT_KEY
              + ", "
              + READ_TIMEOUT_KEY
              + ")");
    }
    apiUrl = normalizeApiUrl(apiUrl);
  }

  /**
   * {@code http://host:8000}, {@code http://host:8000/} and {@code .../api/v1/} all mean the same.
   * An endpoint that names no host is refused, and so is one with a user name or password in it
   * ({@code http://user:password@host}): credentials go in the access key settings, where messages
   * and {@link #toString()} never show them. No message repeats the user info. A query or fragment
   * (which may hold a token, and is not repeated either), a port that is no number and spaces are
   * refused too: each would otherwise read as a missing repository or a failed connection.
   */
  static String normalizeApiUrl(String url) {
    String u = url.strip();
    // Schemes are case-insensitive (HTTP://host is http://host); written lower-case from here on.
    int schemeEnd = u.indexOf("://");
    if (schemeEnd > 0) {
      u = u.substring(0, schemeEnd).toLowerCase(Locale.ROOT) + u.substring(schemeEnd);
    }
    int authorityStart = u.indexOf("://") < 0 ? 0 : u.indexOf("://") + 3;
    int authorityEnd = authorityStart;
    while (authorityEnd < u.length() && "/?#".indexOf(u.charAt(authorityEnd)) < 0) {
      authorityEnd++;
    }
    int at = u.lastIndexOf('@', authorityEnd - 1);
    if (at >= authorityStart) {
      throw new InvalidExportException(
          "lakeFS endpoint '"
              + u.substring(0, authorityStart)
              + "<hidden>"
              + u.substring(at)
              + "' carries a user name or password; give them as the access key id and secret"
              + " access key instead");
    }
    // The API paths are appended to the endpoint: a query or fragment would end up in the middle
    // of every request's path, and lakeFS would answer each as a missing repository or ref. It may
    // hold a token: not repeated.
    if (u.indexOf('?', authorityEnd) >= 0 || u.indexOf('#', authorityEnd) >= 0) {
      int cut = authorityEnd;
      while ("?#".indexOf(u.charAt(cut)) < 0) {
        cut++;
      }
      throw new InvalidExportException(
          "lakeFS endpoint '"
              + u.substring(0, cut + 1)
              + "<hidden>' has a query or fragment; give the server's address alone,"
              + " e.g. https://lakefs.example.com");
    }
    if (!u.startsWith("http://") && !u.startsWith("https://")) {
      throw new InvalidExportException(
          "lakeFS endpoint '" + u + "' must start with http:// or https://");
    }
    String authority = u.substring(authorityStart, authorityEnd);
    // The host is what stands before the port; an IPv6 address is in brackets.
    int portColon = authority.lastIndexOf(':');
    String host =
        portColon > authority.lastIndexOf(']') ? authority.substring(0, portColon) : authority;
    if (host.isEmpty() || host.equals("[]")) {
      throw new InvalidExportException(
          "lakeFS endpoint '" + u + "' names no host; e.g. http://lakefs.example.com:8000");
    }
    String port = host.length() == authority.length() ? "" : authority.substring(host.length() + 1);
    if (!port.isEmpty() && !validPort(port)) {
      throw new InvalidExportException(
          "lakeFS endpoint '" + u + "' has port '" + port + "'; a port is a number up to 65535");
    }
    if (u.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
      throw new InvalidExportException(
          "lakeFS endpoint '" + u + "' holds a space or control character");
    }
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    return u.endsWith("/api/v1") ? u : u + "/api/v1";
  }

  private static boolean validPort(String port) {
    if (port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return false;
    }
    int number = Integer.parseInt(port);
    return number > 0 && number <= 65535;
  }

  /** A builder to fill in: {@link Builder#build()} names what is missing. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Settings from every source, explicit ones first: {@code explicit} (a builder filled from
   * command-line options or code), then Hadoop-style {@code keys}, then the {@code LAKECTL_*}
   * variables in {@code environment}, then the lakectl file. The first source that sets a value
   * wins, value by value.
   *
   * @param lakectlFile {@code ~/.lakectl.yaml} or another file; ignored when absent, and not read
   *     when the other sources give the endpoint and both keys (a file of another tool's, broken,
   *     then fails nothing)
   * @throws InvalidExportException naming what is missing when no source gives an endpoint or keys
   */
  public static LakeFsConfig resolve(
      Builder explicit,
      Map<String, String> keys,
      Map<String, String> environment,
      Path lakectlFile) {
    Builder fromKeys = fromKeys(keys);
    Builder fromEnv =
        builder()
            .apiUrl(environment.get(ENV_ENDPOINT))
            .accessKeyId(environment.get(ENV_ACCESS_KEY))
            .secretAccessKey(environment.get(ENV_SECRET_KEY));
    Builder given = explicit.orElse(fromKeys).orElse(fromEnv);
    if (given.apiUrl != null && given.accessKeyId != null && given.secretAccessKey != null) {
      return given.build();
    }
    return given.orElse(readLakectlFile(lakectlFile)).build();
  }

  /** The default lakectl file, {@code ~/.lakectl.yaml}. */
  public static Path defaultLakectlFile() {
    return homeDirectory().resolve(".lakectl.yaml");
  }

  /**
   * {@code ~} as lakeFS and lakectl read it, for their files and default paths: {@code $HOME}
   * first, then the JVM's {@code user.home}, which comes from the password database instead.
   */
  public static Path homeDirectory() {
    String home = System.getenv("HOME");
    return Path.of(home == null || home.isBlank() ? System.getProperty("user.home") : home);
  }

  /**
   * A builder from Hadoop-style keys ({@value #API_URL_KEY} and friends).
   *
   * @throws InvalidExportException for a {@code lakefs.api.*} key that is none of them
   */
  public static Builder fromKeys(Map<String, String> keys) {
    List<String> unknown = SettingKeys.unknown(keys.keySet(), List.of(KEYS));
    if (!unknown.isEmpty()) {
      throw new InvalidExportException(String.join("; ", unknown));
    }
    Builder b =
        builder()
            .apiUrl(keys.get(API_URL_KEY))
            .accessKeyId(keys.get(ACCESS_KEY_KEY))
            .secretAccessKey(keys.get(SECRET_KEY_KEY));
    seconds(keys, CONNECTION_TIMEOUT_KEY).ifPresent(b::connectTimeout);
    seconds(keys, READ_TIMEOUT_KEY).ifPresent(b::readTimeout);
    return b;
  }

  private static Optional<Duration> seconds(Map<String, String> keys, String key) {
    String value = keys.get(key);
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    try {
      long s = Long.parseLong(value.strip());
      if (s <= 0) {
        throw new NumberFormatException();
      }
      return Optional.of(Duration.ofSeconds(s));
    } catch (NumberFormatException e) {
      throw new InvalidExportException(
          key + " must be a positive number of seconds, not '" + value + "'");
    }
  }

  /** Reads {@code server.endpoint_url} and {@code credentials.*} from a lakectl YAML file. */
  static Builder readLakectlFile(Path file) {
    Builder b = builder();
    if (file == null || !Files.isRegularFile(file)) {
      return b;
    }
    try {
      JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
      if (root == null || root.isMissingNode() || root.isNull()) {
        return b;
      }
      if (!root.isObject()) {
        throw wrongShape(
            file, "it", root, "the mapping of server: and credentials: lakectl writes");
      }
      return b.apiUrl(text(file, root, "server", "endpoint_url"))
          .accessKeyId(text(file, root, "credentials", "access_key_id"))
          .secretAccessKey(text(file, root, "credentials", "secret_access_key"));
    } catch (JsonProcessingException e) {
      // The parser's message quotes the line it stopped at, which may hold the secret key.
      JsonLocation at = e.getLocation();
      throw new InvalidExportException(
          "cannot read lakectl file "
              + file
              + ": not valid YAML"
              + (at == null
                  ? ""
                  : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
    } catch (IOException e) {
      throw new InvalidExportException(
          "cannot read lakectl file " + file + ": " + e.getClass().getSimpleName());
    }
  }

  /**
   * {@code section.field}'s value, or null when it is absent or empty. A value of another shape (a
   * section written as a string, a key indented under another) is refused by name rather than read
   * as missing, which would blame the wrong thing; the value itself is never quoted (it may be the
   * secret key).
   */
  private static String text(Path file, JsonNode root, String section, String field) {
    JsonNode sectionNode = root.path(section);
    if (sectionNode.isMissingNode() || sectionNode.isNull()) {
      return null;
    }
    if (!sectionNode.isObject()) {
      throw wrongShape(
          file, "'" + section + "'", sectionNode, "a mapping of keys such as '" + field + "'");
    }
    JsonNode node = sectionNode.path(field);
    if (node.isMissingNode() || node.isNull()) {
      return null;
    }
    if (!node.isValueNode()) {
      throw wrongShape(file, "'" + section + "." + field + "'", node, "a single value");
    }
    return node.asText();
  }

  /** "cannot read lakectl file F: 'credentials' holds a list, not ...": never the value itself. */
  private static InvalidExportException wrongShape(
      Path file, String where, JsonNode node, String expected) {
    String kind = node.isObject() ? "a mapping" : node.isArray() ? "a list" : "a single value";
    return new InvalidExportException(
        "cannot read lakectl file " + file + ": " + where + " holds " + kind + ", not " + expected);
  }

  @Override
  public String toString() {
    return "LakeFsConfig[apiUrl="
        + apiUrl
        + ", accessKeyId="
        + accessKeyId
        + ", secretAccessKey=<hidden>, connectTimeout="
        + connectTimeout
        + ", readTimeout="
        + readTimeout
        + "]";
  }

  /** Collects settings; blank values count as unset. */
  public static final class Builder {
    private String apiUrl;
    private String accessKeyId;
    private String secretAccessKey;
    private Duration connectTimeout;
    private Duration readTimeout;

    private Builder() {}

    private static String blankToNull(String s) {
      return s == null || s.isBlank() ? null : s.strip();
    }

    /**
     * lakeFS's endpoint ({@code https://lakefs.example.com}, with or without {@code /api/v1}); a
     * blank one counts as not given.
     */
    public Builder apiUrl(String apiUrl) {
      this.apiUrl = blankToNull(apiUrl);
      return this;
    }

    /** The access key id; a blank one counts as not given. */
    public Builder accessKeyId(String accessKeyId) {
      this.accessKeyId = blankToNull(accessKeyId);
      return this;
    }

    /** The secret access key, never shown by {@link #toString()}; blank counts as not given. */
    public Builder secretAccessKey(String secretAccessKey) {
      this.secretAccessKey = blankToNull(secretAccessKey);
      return this;
    }

    /** How long to wait for a connection to lakeFS; 10 seconds if not given. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
      return this;
    }

    /**
     * How long to wait for each read or write on a connection to lakeFS; 60 seconds if not given.
     */
    public Builder readTimeout(Duration readTimeout) {
      this.readTimeout = readTimeout;
      return this;
    }

    /** A builder with this one's values, and {@code other}'s where this one has none. */
    public Builder orElse(Builder other) {
      Builder b = new Builder();
      b.apiUrl = apiUrl != null ? apiUrl : other.apiUrl;
      b.accessKeyId = accessKeyId != null ? accessKeyId : other.accessKeyId;
      b.secretAccessKey = secretAccessKey != null ? secretAccessKey : other.secretAccessKey;
      b.connectTimeout = connectTimeout != null ? connectTimeout : other.connectTimeout;
      b.readTimeout = readTimeout != null ? readTimeout : other.readTimeout;
      return b;
    }

    /**
     * @throws InvalidExportException naming every missing setting and where it may come from
     */
    public LakeFsConfig build() {
      var missing = new ArrayList<String>();
      if (apiUrl == null) {
        missing.add("endpoint (" + API_URL_KEY + " or " + ENV_ENDPOINT + ")");
      }
      if (accessKeyId == null) {
        missing.add("access key id (" + ACCESS_KEY_KEY + " or " + ENV_ACCESS_KEY + ")");
      }
      if (secretAccessKey == null) {
        missing.add("secret access key (" + SECRET_KEY_KEY + " or " + ENV_SECRET_KEY + ")");
      }
      if (!missing.isEmpty()) {
        throw new InvalidExportException(
            "lakeFS settings missing: "
                + String.join(", ", missing)
                + "; or set them in ~/.lakectl.yaml");
      }
      return new LakeFsConfig(
          apiUrl,
          accessKeyId,
          secretAccessKey,
          connectTimeout != null ? connectTimeout : DEFAULT_CONNECT_TIMEOUT,
          readTimeout != null ? readTimeout : DEFAULT_READ_TIMEOUT);
    }
  }
}
