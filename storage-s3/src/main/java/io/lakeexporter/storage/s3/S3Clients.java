package io.lakeexporter.storage.s3;

import io.lakeexporter.storage.Redaction;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.storage.s3.wire.Http11Client;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * One S3 client per distinct {@link S3ClientSettings}, built on first use. The synchronous client
 * on the Apache HTTP client: the exporter already runs copies and parts on its own threads, so a
 * blocking client with a large connection pool keeps every thread busy without a second layer of
 * async scheduling.
 */
final class S3Clients implements AutoCloseable {

  private final StorageSettings settings;
  private final int maxConnections;
  private final Map<S3ClientSettings, S3Client> clients = new ConcurrentHashMap<>();
  private final Map<S3ClientSettings, S3Presigner> presigners = new ConcurrentHashMap<>();
  private final Map<S3ClientSettings, AwsCredentialsProvider> credentials =
      new ConcurrentHashMap<>();
  private final Map<S3ClientSettings, Optional<S3FastPath>> fastPaths = new ConcurrentHashMap<>();
  private final Map<String, S3ClientSettings> settingsByBucket = new ConcurrentHashMap<>();
  private final Map<S3ClientSettings, S3ClientSettings> distinctSettings =
      new ConcurrentHashMap<>();
  private final Map<String, Optional<S3FastPath>> fastPathsByBucket = new ConcurrentHashMap<>();
  private final boolean fastPathEnabled;
  private final Duration connectionTimeout;
  private final Duration socketTimeout;
  private final Http11Client http;

  /** The settings read here. */
  static final Set<String> KEYS =
      Set.of("s3.max-connections", "s3.fast-path", "s3.connection-timeout", "s3.socket-timeout");

  S3Clients(StorageSettings settings) {
    S3ClientSettings.check(settings);
    this.settings = settings;
    this.maxConnections = settings.getInt("s3.max-connections", 128);
    this.fastPathEnabled = settings.getBoolean("s3.fast-path", true);
    this.connectionTimeout = settings.getDuration("s3.connection-timeout", Duration.ofSeconds(10));
    this.socketTimeout = settings.getDuration("s3.socket-timeout", Duration.ofMinutes(2));
    this.http = new Http11Client(connectionTimeout, socketTimeout, maxConnections);
  }

  S3ClientSettings settingsOf(String bucket) {
    // Settings are read once per bucket: they are looked up for every request. Buckets with equal
    // settings share one instance, so that sameSettings need not compare them field by field.
    return settingsByBucket.computeIfAbsent(
        bucket,
        b -> {
          S3ClientSettings read = S3ClientSettings.forBucket(settings, b);
          S3ClientSettings known = distinctSettings.putIfAbsent(read, read);
          return known == null ? read : known;
        });
  }

  /** Whether two buckets are reached with the same settings (and so by the same client). */
  boolean sameSettings(String bucket, String otherBucket) {
    return settingsOf(bucket) == settingsOf(otherBucket);
  }

  /** The fast path for this bucket, if it is on and the bucket and its settings allow it. */
  Optional<S3FastPath> fastPath(String bucket) {
    return fastPathsByBucket.computeIfAbsent(
        bucket,
        b ->
            fastPathEnabled && S3FastPath.addresses(b)
                ? fastPaths.computeIfAbsent(
                    settingsOf(b), s -> S3FastPath.of(s, credentialsOf(s), http))
                : Optional.empty());
  }

  /** The endpoint as messages show it: without the password of a user info. */
  String endpointOf(String bucket) {
    String endpoint = settingsOf(bucket).endpoint();
    return endpoint.isEmpty() ? "AWS S3" : Redaction.url(endpoint);
  }

  S3Client client(String bucket) {
    return clients.computeIfAbsent(settingsOf(bucket), this::build);
  }

  S3Presigner presigner(String bucket) {
    return presigners.computeIfAbsent(settingsOf(bucket), S3Clients::buildPresigner);
  }

  private S3Client build(S3ClientSettings s) {
    var builder =
        S3Client.builder()
            .httpClientBuilder(
                ApacheHttpClient.builder()
                    .maxConnections(maxConnections)
                    .connectionTimeout(connectionTimeout)
                    .socketTimeout(socketTimeout))
            // S3-compatible stores (MinIO, Ceph, S3Proxy, R2) may not know the newest checksum
            // headers: send and check checksums only where the API requires them.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .serviceConfiguration(
                S3Configuration.builder().pathStyleAccessEnabled(s.pathStyle()).build())
            .credentialsProvider(credentialsOf(s));
    if (!s.endpoint().isEmpty()) {
      builder.endpointOverride(URI.create(s.endpoint()));
      if (s.pathStyle()) {
        builder.endpointProvider(
            new PathStyleEndpoints(s.endpoint(), s.region().isEmpty() ? "us-east-1" : s.region()));
      }
    }
    if (!s.region().isEmpty()) {
      builder.region(Region.of(s.region()));
    }
    return builder.build();
  }

  private static S3Presigner buildPresigner(S3ClientSettings s) {
    var builder =
        S3Presigner.builder()
            .serviceConfiguration(
                S3Configuration.builder().pathStyleAccessEnabled(s.pathStyle()).build())
            .credentialsProvider(credentials(s));
    if (!s.endpoint().isEmpty()) {
      builder.endpointOverride(URI.create(s.endpoint()));
    }
    if (!s.region().isEmpty()) {
      builder.region(Region.of(s.region()));
    }
    return builder.build();
  }

  private AwsCredentialsProvider credentialsOf(S3ClientSettings s) {
    return credentials.computeIfAbsent(s, S3Clients::credentials);
  }

  static AwsCredentialsProvider credentials(S3ClientSettings s) {
    if (s.hasStaticCredentials()) {
      return StaticCredentialsProvider.create(
          s.sessionToken().isEmpty()
              ? AwsBasicCredentials.create(s.accessKeyId(), s.secretAccessKey())
              : AwsSessionCredentials.create(
                  s.accessKeyId(), s.secretAccessKey(), s.sessionToken()));
    }
    if (!s.profile().isEmpty()) {
      return ProfileCredentialsProvider.create(s.profile());
    }
    return DefaultCredentialsProvider.builder().build();
  }

  @Override
  public void close() {
    http.close();
    clients.values().forEach(S3Client::close);
    presigners.values().forEach(S3Presigner::close);
    clients.clear();
    presigners.clear();
  }
}
