package io.lakeexporter.storage.s3;

import io.lakeexporter.storage.StorageSettings;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
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

  S3Clients(StorageSettings settings) {
    this.settings = settings;
    this.maxConnections = settings.getInt("s3.max-connections", 128);
  }

  S3ClientSettings settingsOf(String bucket) {
    return S3ClientSettings.forBucket(settings, bucket);
  }

  String endpointOf(String bucket) {
    String endpoint = settingsOf(bucket).endpoint();
    return endpoint.isEmpty() ? "AWS S3" : endpoint;
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
                    .connectionTimeout(Duration.ofSeconds(10))
                    .socketTimeout(Duration.ofMinutes(2)))
            // S3-compatible stores (MinIO, Ceph, S3Proxy, R2) may not know the newest checksum
            // headers: send and check checksums only where the API requires them.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .serviceConfiguration(
                S3Configuration.builder().pathStyleAccessEnabled(s.pathStyle()).build())
            .credentialsProvider(credentials(s));
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
    clients.values().forEach(S3Client::close);
    presigners.values().forEach(S3Presigner::close);
    clients.clear();
    presigners.clear();
  }
}
