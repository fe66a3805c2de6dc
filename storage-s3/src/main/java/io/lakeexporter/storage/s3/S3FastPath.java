package io.lakeexporter.storage.s3;

import io.lakeexporter.storage.EveryRequestRefusedException;
import io.lakeexporter.storage.s3.wire.Http11Client;
import io.lakeexporter.storage.s3.wire.Http11Client.Origin;
import io.lakeexporter.storage.s3.wire.Http11Response;
import io.lakeexporter.storage.s3.wire.SigV4;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * The requests the exporter sends once per object (CopyObject, ranged GetObject, PutObject of a
 * small object, DeleteObject of a single key), signed here and sent over {@link Http11Client}
 * instead of through the AWS SDK: per request the SDK spends about ten times the CPU (see {@link
 * Http11Client}), which on a small machine decides how many small objects per second an export
 * moves. Everything else (listing, multipart, batch deletes, presigning, credentials and region
 * chains) stays with the SDK, and so does any request this path cannot carry unchanged: buckets
 * that are not plain DNS names, directory buckets, metadata that is not printable ASCII, endpoints
 * behind an HTTP proxy. {@code s3.fast-path=false} turns it off.
 */
final class S3FastPath {

  /** Bucket names this path addresses itself; others (ARNs, directory buckets) go to the SDK. */
  private static final Pattern PLAIN_BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  private static final Pattern CODE = Pattern.compile("<Code>([^<]*)</Code>");
  private static final Pattern MESSAGE = Pattern.compile("<Message>([^<]*)</Message>");

  private final URI endpoint;
  private final boolean awsEndpoint;
  private final boolean pathStyle;
  private final SigV4 signer;
  private final AwsCredentialsProvider credentials;
  private volatile Converted lastCredentials;
  private final Http11Client http;

  private S3FastPath(
      URI endpoint,
      boolean awsEndpoint,
      boolean pathStyle,
      String region,
      AwsCredentialsProvider credentials,
      Http11Client http) {
    this.endpoint = endpoint;
    this.awsEndpoint = awsEndpoint;
    this.pathStyle = pathStyle;
    this.signer = new SigV4(region, "s3");
    this.credentials = credentials;
    this.http = http;
  }

  /**
   * The fast path for one client's settings, or empty when they need the SDK: no region to be
   * found, a China partition, an endpoint with a path of its own, or a proxy to go through.
   */
  static Optional<S3FastPath> of(
      S3ClientSettings settings, AwsCredentialsProvider credentials, Http11Client http) {
    String region = settings.region();
    if (region.isEmpty()) {
      try {
        region = new DefaultAwsRegionProviderChain().getRegion().id();
      } catch (SdkException | IllegalArgumentException e) {
        return Optional.empty(); // the SDK will say what is missing
      }
    }
    if (region.startsWith("cn-")) {
      return Optional.empty();
    }
    boolean aws = settings.endpoint().isEmpty();
    URI endpoint;
    try {
      endpoint = URI.create(aws ? "https://s3." + region + ".amazonaws.com" : settings.endpoint());
      Origin.of(endpoint);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    String path = endpoint.getRawPath();
    if ((path != null && !path.isEmpty() && !path.equals("/")) || endpoint.getRawQuery() != null) {
      return Optional.empty();
    }
    if (proxied(Origin.of(endpoint))) {
      return Optional.empty();
    }
    return Optional.of(
        new S3FastPath(endpoint, aws, settings.pathStyle(), region, credentials, http));
  }

  /**
   * Whether the SDK would reach this origin through a proxy (JVM properties or the usual
   * environment variables): this path does not speak to proxies, so it stays out of their way.
   */
  static boolean proxied(Origin origin) {
    String host = origin.host();
    if (host.equals("localhost") || host.startsWith("127.") || host.equals("::1")) {
      return false;
    }
    String scheme = origin.tls() ? "https" : "http";
    return System.getProperty(scheme + ".proxyHost") != null
        || System.getenv(scheme.toUpperCase(Locale.ROOT) + "_PROXY") != null
        || System.getenv(scheme + "_proxy") != null;
  }

  /** Whether this path addresses the bucket itself: a plain DNS name, not a directory bucket. */
  static boolean addresses(String bucket) {
    return PLAIN_BUCKET.matcher(bucket).matches() && !bucket.endsWith("--x-s3");
  }

  /** Whether a content type and user metadata travel as HTTP/1.1 headers unchanged. */
  static boolean carries(String contentType, Map<String, String> userMetadata) {
    if (!Http11Client.isPrintable(contentType)) {
      return false;
    }
    for (Map.Entry<String, String> entry : userMetadata.entrySet()) {
      if (!Http11Client.isPrintable(entry.getKey())
          || !Http11Client.isPrintable(entry.getValue())) {
        return false;
      }
    }
    return true;
  }

  /**
   * CopyObject with the metadata replaced.
   *
   * @return the new object's ETag without quotes
   */
  String copyObject(
      String sourceBucket,
      String sourceKey,
      String bucket,
      String key,
      String contentType,
      Map<String, String> userMetadata)
      throws IOException {
    var headers = new TreeMap<String, String>();
    headers.put("x-amz-copy-source", "/" + sourceBucket + "/" + SigV4.encode(sourceKey, true));
    headers.put("x-amz-metadata-directive", "REPLACE");
    headers.put("content-type", contentType);
    putMetadata(headers, userMetadata);
    Http11Response response = send("PUT", bucket, key, headers, null);
    // S3 may answer a long copy with 200 first and its error after it: read the body either way.
    String body = response.bodyText(64 * 1024);
    if (response.status() != 200 || body.contains("<Error>")) {
      throw failure(response, body);
    }
    int start = body.indexOf("<ETag>");
    int end = start < 0 ? -1 : body.indexOf("</ETag>", start);
    if (end < 0) {
      throw new Failure(response.status(), "", "the copy's answer holds no ETag");
    }
    return unquote(body.substring(start + "<ETag>".length(), end));
  }

  /**
   * PutObject of a body held in memory.
   *
   * @return the new object's ETag without quotes
   */
  String putObject(
      String bucket, String key, byte[] body, String contentType, Map<String, String> userMetadata)
      throws IOException {
    var headers = new TreeMap<String, String>();
    headers.put("content-type", contentType);
    putMetadata(headers, userMetadata);
    Http11Response response = send("PUT", bucket, key, headers, body);
    String answer = response.bodyText(64 * 1024);
    if (response.status() != 200) {
      throw failure(response, answer);
    }
    return unquote(response.header("etag").orElse(""));
  }

  /** DeleteObject; a key that is not there is no error (S3 answers 204 either way). */
  void deleteObject(String bucket, String key) throws IOException {
    Http11Response response = send("DELETE", bucket, key, new TreeMap<>(), null);
    String answer = response.bodyText(64 * 1024);
    if (response.status() != 204 && response.status() != 200 && response.status() != 404) {
      throw failure(response, answer);
    }
    if (response.status() == 404 && answer.contains("<Code>NoSuchBucket</Code>")) {
      throw failure(response, answer);
    }
  }

  private static void putMetadata(TreeMap<String, String> headers, Map<String, String> metadata) {
    metadata.forEach(
        (name, value) -> headers.put("x-amz-meta-" + name.toLowerCase(Locale.ROOT), value));
  }

  /**
   * GetObject, whole or a range: the body holds exactly the asked bytes (fewer only where the
   * object ends first). Status 416 comes back as {@link Failure} like any other refusal; an answer
   * that does not start at the asked offset (a server that ignored the range) as an IOException
   * that says what came back.
   */
  InputStream getObject(String bucket, String key, ByteRange range) throws IOException {
    var headers = new TreeMap<String, String>();
    String rangeHeader = range.header();
    if (rangeHeader != null) {
      headers.put("range", rangeHeader);
    }
    Http11Response response = send("GET", bucket, key, headers, null);
    if (response.status() != 200 && response.status() != 206) {
      throw failure(response, response.bodyText(64 * 1024));
    }
    long take;
    try {
      take =
          range.bytesToTake(
              response.status(),
              response.header("content-range").orElse(null),
              contentLength(response));
    } catch (IOException e) {
      response.body().close(); // drops the connection rather than reading a whole object
      throw e;
    }
    return ByteRange.take(response.body(), take);
  }

  private static long contentLength(Http11Response response) {
    try {
      return response.header("content-length").map(v -> Long.parseLong(v.strip())).orElse(-1L);
    } catch (NumberFormatException e) {
      return -1; // the client framed the body already; a bad value would have failed there
    }
  }

  private Http11Response send(
      String method, String bucket, String key, TreeMap<String, String> headers, byte[] body)
      throws IOException {
    if (key.isEmpty()) {
      // "/bucket/" is the bucket itself: a DELETE of it would remove the bucket.
      throw new IllegalArgumentException("no object key for a request to bucket '" + bucket + "'");
    }
    Origin origin;
    String path;
    if (pathStyle || (awsEndpoint && bucket.indexOf('.') >= 0)) {
      origin = Origin.of(endpoint);
      path = "/" + bucket + "/" + SigV4.encode(key, true);
    } else {
      Origin base = Origin.of(endpoint);
      origin = new Origin(base.tls(), bucket + "." + base.host(), base.port());
      path = "/" + SigV4.encode(key, true);
    }
    headers.put("host", origin.hostHeader());
    String payload = body == null ? SigV4.EMPTY_PAYLOAD_SHA256 : SigV4.sha256Hex(body);
    signer.sign(method, path, "", headers, payload, credentials(), Instant.now());
    headers.remove("host");
    return http.execute(origin, method, path, headers, body);
  }

  private SigV4.Credentials credentials() throws IOException {
    AwsCredentials resolved;
    try {
      resolved = credentials.resolveCredentials();
    } catch (SdkException e) {
      throw new EveryRequestRefusedException(S3ObjectStore.NO_CREDENTIALS);
    }
    // Providers hand out the same object until they refresh it: converted once, it is the same
    // object again for the signer, whose derived key then matches without comparing the secrets.
    Converted last = lastCredentials;
    if (last != null && last.resolved() == resolved) {
      return last.forSigning();
    }
    var forSigning =
        new SigV4.Credentials(
            resolved.accessKeyId(),
            resolved.secretAccessKey(),
            resolved instanceof AwsSessionCredentials session ? session.sessionToken() : "");
    lastCredentials = new Converted(resolved, forSigning);
    return forSigning;
  }

  private record Converted(AwsCredentials resolved, SigV4.Credentials forSigning) {}

  private static Failure failure(Http11Response response, String body) {
    String code = first(CODE, body);
    String message = first(MESSAGE, body);
    if (message.isEmpty()) {
      message = response.header("x-amz-bucket-region").map(r -> "bucket in region " + r).orElse("");
    }
    return new Failure(response.status(), code, message);
  }

  private static String first(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    return m.find() ? unescape(m.group(1)) : "";
  }

  private static String unquote(String etag) {
    String text = unescape(etag).strip();
    return text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")
        ? text.substring(1, text.length() - 1)
        : text;
  }

  private static String unescape(String xml) {
    if (xml.indexOf('&') < 0) {
      return xml;
    }
    return xml.replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
  }

  /** S3 refused a request: its status, error code and message (never a signature). */
  static final class Failure extends IOException {
    private final int status;
    private final String code;
    private final String s3Message;

    Failure(int status, String code, String s3Message) {
      super(
          status
              + (code.isEmpty() ? "" : " " + code)
              + (s3Message.isEmpty() ? "" : " " + s3Message));
      this.status = status;
      this.code = code;
      this.s3Message = s3Message;
    }

    int status() {
      return status;
    }

    String code() {
      return code;
    }

    String s3Message() {
      return s3Message;
    }
  }
}
