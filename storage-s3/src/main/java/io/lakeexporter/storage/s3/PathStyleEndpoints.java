package io.lakeexporter.storage.s3;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.awscore.endpoints.AwsEndpointAttribute;
import software.amazon.awssdk.awscore.endpoints.authscheme.SigV4AuthScheme;
import software.amazon.awssdk.endpoints.Endpoint;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointParams;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointProvider;

/**
 * Endpoints of an S3-compatible server (MinIO, Ceph, S3Proxy) reached by path-style URLs: {@code
 * <endpoint>/<bucket>}, signed with SigV4 for service {@code s3}. What AWS's endpoint rules give
 * for such a server, without evaluating them on every request: the rules engine was a tenth of the
 * exporter's CPU time for many small objects, and a good share of its JIT compilation. AWS itself
 * (no endpoint override) keeps the SDK's own provider.
 */
final class PathStyleEndpoints implements S3EndpointProvider {

  private final String endpoint;
  private final String region;

  PathStyleEndpoints(String endpoint, String region) {
    this.endpoint =
        endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    this.region = region;
  }

  @Override
  public CompletableFuture<Endpoint> resolveEndpoint(S3EndpointParams params) {
    String bucket = params.bucket();
    String region = params.region() != null ? params.region().id() : this.region;
    URI url = URI.create(bucket == null || bucket.isEmpty() ? endpoint : endpoint + "/" + bucket);
    return CompletableFuture.completedFuture(
        Endpoint.builder()
            .url(url)
            .putAttribute(
                AwsEndpointAttribute.AUTH_SCHEMES,
                List.of(
                    SigV4AuthScheme.builder()
                        .signingName("s3")
                        .signingRegion(region)
                        .disableDoubleEncoding(true)
                        .build()))
            .build());
  }
}
