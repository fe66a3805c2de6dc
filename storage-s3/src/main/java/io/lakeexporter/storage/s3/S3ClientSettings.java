package io.lakeexporter.storage.s3;

import io.lakeexporter.storage.Redaction;
import io.lakeexporter.storage.StorageSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach one bucket. Buckets with equal settings share one client, and only such buckets can
 * copy between each other server-side. {@link #toString()} never shows the secret, the session
 * token or the password of an endpoint's user info.
 *
 * <p>Keys, project key first, then the Hadoop S3A key it stands for; a per-bucket key ({@code
 * s3.bucket.<bucket>.<key>} or {@code fs.s3a.bucket.<bucket>.<s3a key>}) wins over the global one:
 *
 * <table>
 *   <caption>settings</caption>
 *   <tr><td>{@code s3.endpoint}</td><td>{@code fs.s3a.endpoint}</td><td>endpoint override (MinIO, Ceph, R2)</td></tr>
 *   <tr><td>{@code s3.region}</td><td>{@code fs.s3a.endpoint.region}</td><td>region; default us-east-1 with an endpoint, else the SDK chain</td></tr>
 *   <tr><td>{@code s3.path-style-access}</td><td>{@code fs.s3a.path.style.access}</td><td>path-style URLs</td></tr>
 *   <tr><td>{@code s3.access-key-id}</td><td>{@code fs.s3a.access.key}</td><td>static credentials</td></tr>
 *   <tr><td>{@code s3.secret-access-key}</td><td>{@code fs.s3a.secret.key}</td><td>static credentials</td></tr>
 *   <tr><td>{@code s3.session-token}</td><td>{@code fs.s3a.session.token}</td><td>temporary credentials</td></tr>
 *   <tr><td>{@code s3.profile}</td><td></td><td>a named profile of ~/.aws; else the default chain</td></tr>
 * </table>
 *
 * @param endpoint the endpoint override, or empty
 * @param region the region, or empty for the SDK's chain
 * @param pathStyle path-style access
 * @param accessKeyId static access key id, or empty
 * @param secretAccessKey static secret, or empty
 * @param sessionToken session token, or empty
 * @param profile a named profile, or empty
 */
record S3ClientSettings(
    String endpoint,
    String region,
    boolean pathStyle,
    String accessKeyId,
    String secretAccessKey,
    String sessionToken,
    String profile) {

  /**
   * The keys read here, each after {@code s3.} or {@code s3.bucket.<bucket>.}, with the S3A key it
   * stands for after {@code fs.s3a.} or {@code fs.s3a.bucket.<bucket>.} (empty: none).
   */
  static final Map<String, String> KEYS =
      Map.of(
          "endpoint", "endpoint",
          "region", "endpoint.region",
          "path-style-access", "path.style.access",
          "access-key-id", "access.key",
          "secret-access-key", "secret.key",
          "session-token", "session.token",
          "profile", "");

  S3ClientSettings {
    Objects.requireNonNull(endpoint, "endpoint is null");
    Objects.requireNonNull(region, "region is null");
    Objects.requireNonNull(accessKeyId, "accessKeyId is null");
    Objects.requireNonNull(secretAccessKey, "secretAccessKey is null");
    Objects.requireNonNull(sessionToken, "sessionToken is null");
    Objects.requireNonNull(profile, "profile is null");
  }

  /** The settings for {@code bucket}, or for buckets without overrides when it is empty. */
  static S3ClientSettings forBucket(StorageSettings s, String bucket) {
    String endpoint = value(s, bucket, "endpoint", "endpoint").orElse("");
    String region =
        value(s, bucket, "region", "endpoint.region").orElse(endpoint.isEmpty() ? "" : "us-east-1");
    boolean pathStyle =
        value(s, bucket, "path-style-access", "path.style.access")
            .map(v -> parseBoolean(v, "path-style access"))
            .orElse(false);
    return new S3ClientSettings(
        normalizeEndpoint(endpoint),
        region,
        pathStyle,
        value(s, bucket, "access-key-id", "access.key").orElse(""),
        value(s, bucket, "secret-access-key", "secret.key").orElse(""),
        value(s, bucket, "session-token", "session.token").orElse(""),
        value(s, bucket, "profile", null).orElse(""));
  }

  private static Optional<String> value(
      StorageSettings s, String bucket, String key, String s3aKey) {
    if (!bucket.isEmpty()) {
      Optional<String> perBucket = s.get("s3.bucket." + bucket + "." + key);
      if (perBucket.isEmpty() && s3aKey != null) {
        perBucket = s.get("fs.s3a.bucket." + bucket + "." + s3aKey);
      }
      if (perBucket.isPresent()) {
        return perBucket;
      }
    }
    Optional<String> global = s.get("s3." + key);
    return global.isPresent() || s3aKey == null ? global : s.get("fs.s3a." + s3aKey);
  }

  private static boolean parseBoolean(String v, String what) {
    if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(v);
    }
    throw new IllegalArgumentException(what + " must be true or false, not '" + v + "'");
  }

  /**
   * Refuses, when the store is made, an endpoint or path-style setting no request could use, naming
   * the setting (global or per bucket). Read lazily per bucket instead, a malformed endpoint became
   * a host named "http" or a URISyntaxException on every copy.
   *
   * @throws IllegalArgumentException naming the first such setting
   */
  static void check(StorageSettings s) {
    for (String key : s.keys()) {
      String value = s.get(key).orElse("").strip();
      if (isKey(key, "endpoint", "endpoint")) {
        checkEndpoint(key, value);
      } else if (isKey(key, "path-style-access", "path.style.access")) {
        parseBoolean(value, key);
      }
    }
  }

  private static boolean isKey(String key, String name, String s3aName) {
    return key.equals("s3." + name)
        || key.equals("fs.s3a." + s3aName)
        || (key.startsWith("s3.bucket.") && key.endsWith("." + name))
        || (key.startsWith("fs.s3a.bucket.") && key.endsWith("." + s3aName));
  }

  private static void checkEndpoint(String key, String endpoint) {
    if (endpoint.isEmpty()) {
      return;
    }
    String why = null;
    if (!endpoint.contains("://")) {
      // S3A's form: a host, with a port, and https implied.
      if (!endpoint.matches("[A-Za-z0-9.\\-]+(:\\d{1,5})?")) {
        why = "without a scheme it must be host or host:port";
      }
    } else {
      try {
        URI uri = new URI(endpoint);
        if (!"http".equalsIgnoreCase(uri.getScheme())
            && !"https".equalsIgnoreCase(uri.getScheme())) {
          why = "its scheme is not http or https";
        } else if (uri.getHost() == null) {
          why = "it has no host";
        }
      } catch (URISyntaxException e) {
        why = e.getReason() + " at index " + e.getIndex();
      }
    }
    if (why != null) {
      throw new IllegalArgumentException(
          key
              + " '"
              + Redaction.url(endpoint)
              + "' is not an endpoint: "
              + why
              + " (write http://host:port, https://host or host:port)");
    }
  }

  /** S3A endpoints are often given without a scheme; the SDK needs one. */
  static String normalizeEndpoint(String endpoint) {
    if (endpoint.isEmpty() || endpoint.contains("://")) {
      return endpoint;
    }
    return "https://" + endpoint;
  }

  boolean hasStaticCredentials() {
    return !accessKeyId.isEmpty() && !secretAccessKey.isEmpty();
  }

  // Written out: a record's generated equals and hashCode are bootstrapped through method
  // handles on first use, ~20 ms on the way to an export's first request (they key the clients).
  @Override
  public boolean equals(Object o) {
    return o instanceof S3ClientSettings s
        && pathStyle == s.pathStyle
        && endpoint.equals(s.endpoint)
        && region.equals(s.region)
        && accessKeyId.equals(s.accessKeyId)
        && secretAccessKey.equals(s.secretAccessKey)
        && sessionToken.equals(s.sessionToken)
        && profile.equals(s.profile);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        endpoint, region, pathStyle, accessKeyId, secretAccessKey, sessionToken, profile);
  }

  @Override
  public String toString() {
    return "S3ClientSettings[endpoint="
        + (endpoint.isEmpty() ? "aws" : Redaction.url(endpoint))
        + ", region="
        + region
        + ", pathStyle="
        + pathStyle
        + ", accessKeyId="
        + accessKeyId
        + ", profile="
        + profile
        + "]";
  }
}
