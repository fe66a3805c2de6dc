package io.lakeexporter.bench;

import io.lakeexporter.copy.CopySettings;
import io.lakeexporter.storage.s3.S3ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The yardstick for large objects: every object under an S3 prefix fetched as parallel ranged GETs
 * written in place into local files, and nothing else (no lakeFS, no plan, no retries). {@code
 * RangedDownload <endpoint> <bucket> <prefix> <directory> <concurrency> <rangeBytes>}; credentials
 * from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
 */
public final class RangedDownload {

  private RangedDownload() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 6) {
      System.err.println(
          "usage: RangedDownload <endpoint> <bucket> <prefix> <directory> <concurrency> <range>");
      System.exit(2);
    }
    String bucket = args[1];
    String prefix = args[2].endsWith("/") ? args[2] : args[2] + "/";
    Path directory = Path.of(args[3]);
    int concurrency = Integer.parseInt(args[4]);
    long range = Long.parseLong(args[5]);
    try (S3Client s3 =
        S3Client.builder()
            .endpointOverride(URI.create(args[0]))
            .region(Region.US_EAST_1)
            .forcePathStyle(true)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .credentialsProvider(EnvironmentVariableCredentialsProvider.create())
            .httpClientBuilder(ApacheHttpClient.builder().maxConnections(concurrency))
            .build()) {
      ExecutorService pool = Executors.newFixedThreadPool(concurrency);
      var parts = new ArrayList<Future<Long>>();
      var channels = new ArrayList<FileChannel>();
      try {
        for (S3Object object :
            s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
          Path file = directory.resolve(object.key().substring(prefix.length()));
          Files.createDirectories(file.getParent());
          FileChannel channel =
              FileChannel.open(
                  file,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.TRUNCATE_EXISTING,
                  StandardOpenOption.WRITE);
          channels.add(channel);
          for (long start = 0; start < object.size() || start == 0; start += range) {
            long first = start;
            long last = Math.min(object.size(), start + range) - 1;
            if (last < first) {
              break;
            }
            parts.add(pool.submit(() -> fetch(s3, bucket, object.key(), first, last, channel)));
          }
        }
        long bytes = 0;
        for (Future<Long> part : parts) {
          bytes += part.get();
        }
        System.out.println(bytes + " bytes in " + parts.size() + " ranges");
      } finally {
        pool.shutdownNow();
        for (FileChannel c : channels) {
          c.close();
        }
      }
    }
  }

  private static long fetch(
      S3Client s3, String bucket, String key, long first, long last, FileChannel channel)
      throws IOException {
    byte[] buffer = new byte[1 << 20];
    long position = first;
    try (InputStream in =
        s3.getObject(b -> b.bucket(bucket).key(key).range("bytes=" + first + "-" + last))) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
        while (chunk.hasRemaining()) {
          position += channel.write(chunk, position);
        }
      }
    }
    if (position != last + 1) {
      throw new IOException(key + ": range " + first + "-" + last + " ended at " + position);
    }
    return position - first;
  }

  /** The tool that runs this class as its own process. */
  static final class AsTool implements Tool {

    static final String NAME = "parallel ranged GETs";

    private final Context context;

    AsTool(Context context) {
      this.context = context;
    }

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public boolean supports(Scenario scenario) {
      return scenario.from() == Side.S3
          && scenario.to() == Side.LOCAL
          && scenario.dataset().kind().equals("large");
    }

    @Override
    public Invocation invocation(Scenario scenario, Place destination) {
      Workspace ws = context.workspace();
      Place source = scenario.dataset().source();
      return new Invocation(
          List.of(
              Context.java(),
              "-cp",
              context.harnessClasspath(),
              RangedDownload.class.getName(),
              ws.s3.endpoint(),
              source.container(),
              source.prefix(),
              ws.localPath(destination).toString(),
              String.valueOf(context.profile().concurrency()),
              String.valueOf(CopySettings.DEFAULT_PART_SIZE)),
          Map.of(
              "AWS_ACCESS_KEY_ID",
              S3ProxyServer.ACCESS_KEY,
              "AWS_SECRET_ACCESS_KEY",
              S3ProxyServer.SECRET_KEY));
    }
  }
}
