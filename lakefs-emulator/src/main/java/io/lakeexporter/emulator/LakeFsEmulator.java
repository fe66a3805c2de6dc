package io.lakeexporter.emulator;

import com.sun.net.httpserver.HttpServer;
import io.lakeexporter.source.LakeFsNames;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectMetadata;
import io.lakeexporter.storage.StorageRegistry;
import io.lakeexporter.storage.StorageSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A lakeFS REST API server ({@code /api/v1}) for tests and the demo: the subset the exporter uses,
 * spoken exactly enough that the official lakeFS clients work against it. Objects are stored
 * through the project's storage SPI under each repository's storage namespace; refs, commits and
 * trees live in memory. Bound to 127.0.0.1.
 */
public final class LakeFsEmulator implements AutoCloseable {

  static final String COMMITTER = "emulator";

  static {
    // The JDK server writes headers and body separately; with Nagle's algorithm on, every small
    // response then waits for the client's delayed ACK (40 ms), which caps reads through the API
    // at a few hundred objects a second. Read once by the JDK, so it must be set before any server.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final String accessKeyId;
  private final String secretAccessKey;
  private final StorageRegistry storage;
  private final boolean ownsStorage;
  final Map<String, Repo> repositories = new ConcurrentHashMap<>();
  final AtomicLong listingPagesServed = new AtomicLong();
  final AtomicLong diffPagesServed = new AtomicLong();

  /** The number of the listing page to answer with a failure, or 0. */
  private final AtomicLong failingListingPage = new AtomicLong();

  private final Set<String> denied = ConcurrentHashMap.newKeySet();

  private LakeFsEmulator(Builder b) throws IOException {
    this.accessKeyId = b.accessKeyId;
    this.secretAccessKey = b.secretAccessKey;
    this.ownsStorage = b.storage == null;
    this.storage = b.storage != null ? b.storage : StorageRegistry.discover(StorageSettings.EMPTY);
    this.server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), b.port), 128);
    var threads = new AtomicInteger();
    this.executor =
        Executors.newFixedThreadPool(
            32,
            r -> {
              Thread t = new Thread(r, "lakefs-emulator-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", new ApiHandler(this));
    server.start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Pages of object listings answered so far: how tests see how often a commit was listed. */
  public long listingPagesServed() {
    return listingPagesServed.get();
  }

  /** Pages of diffs answered so far: how tests see how much of a diff was read. */
  public long diffPagesServed() {
    return diffPagesServed.get();
  }

  /**
   * Makes the {@code nth} page of object listings requested from now on fail once with a 500, as a
   * lakeFS that breaks off mid-listing: for tests of what an export reports then.
   */
  public void failListingPage(int nth) {
    if (nth < 1) {
      throw new IllegalArgumentException("nth must be at least 1: " + nth);
    }
    failingListingPage.set(listingPagesServed.get() + nth);
  }

  /** Whether listing page {@code page} (counted from the start) is to fail; it fails only once. */
  boolean failsListingPage(long page) {
    return failingListingPage.compareAndSet(page, 0);
  }

  /** {@code http://127.0.0.1:<port>/api/v1} */
  public String apiUrl() {
    return "http://127.0.0.1:" + port() + "/api/v1";
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String accessKeyId() {
    return accessKeyId;
  }

  public String secretAccessKey() {
    return secretAccessKey;
  }

  /**
   * Denies the emulator's access key every request on {@code repository} from now on, as a lakeFS
   * whose policies do not let the key read it: lakeFS answers those with 401 and the message
   * "insufficient permissions", the status of bad credentials.
   */
  public void denyAccess(String repository) {
    denied.add(repository);
  }

  /** Whether requests on {@code repository} are denied (see {@link #denyAccess}). */
  boolean denied(String repository) {
    return denied.contains(repository);
  }

  boolean authorized(String accessKey, String secret) {
    return accessKeyId.equals(accessKey) && secretAccessKey.equals(secret);
  }

  StorageRegistry storage() {
    return storage;
  }

  /** Creates a repository with its first commit, as lakeFS does. */
  public void createRepository(String repository, String storageNamespace, String defaultBranch)
      throws IOException {
    requireName(repository, "repository");
    requireName(defaultBranch, "default branch");
    // The names lakeFS itself takes, so that no test relies on one a real lakeFS refuses.
    LakeFsNames.repositoryProblem(repository).ifPresent(LakeFsEmulator::refuse);
    LakeFsNames.branchProblem(defaultBranch).ifPresent(LakeFsEmulator::refuse);
    Location namespace;
    try {
      namespace = Location.parse(storageNamespace);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "storage namespace of repository '" + repository + "': " + e.getMessage());
    }
    storage.storeFor(namespace);
    Repo repo = new Repo(repository, storageNamespace, defaultBranch, COMMITTER);
    if (repositories.putIfAbsent(repository, repo) != null) {
      throw new IllegalArgumentException("repository '" + repository + "' already exists");
    }
  }

  public void createBranch(String repository, String branch, String sourceRef) {
    requireName(branch, "branch");
    LakeFsNames.branchProblem(branch).ifPresent(LakeFsEmulator::refuse);
    try {
      repo(repository).createBranch(branch, sourceRef);
    } catch (EmulatorException e) {
      throw new IllegalArgumentException(e.getMessage() + " in repository '" + repository + "'");
    }
  }

  /** Tags the commit {@code ref} resolves to; returns that commit's id. */
  public String createTag(String repository, String tag, String ref) {
    requireName(tag, "tag");
    try {
      return repo(repository).createTag(tag, ref);
    } catch (EmulatorException e) {
      throw new IllegalArgumentException(e.getMessage() + " in repository '" + repository + "'");
    }
  }

  public void putObject(
      String repository,
      String branch,
      String path,
      byte[] content,
      String contentType,
      Map<String, String> userMetadata)
      throws IOException {
    putObject(
        repository,
        branch,
        path,
        new ByteArrayInputStream(content),
        content.length,
        contentType,
        userMetadata);
  }

  public void putObject(
      String repository,
      String branch,
      String path,
      InputStream content,
      long size,
      String contentType,
      Map<String, String> userMetadata)
      throws IOException {
    Repo repo = repo(repository);
    if (repo.branch(branch) == null) {
      throw new IllegalArgumentException(
          "branch '" + branch + "' not found in repository '" + repository + "'");
    }
    requireName(path, "path");
    var digest = new DigestInputStream(content, md5());
    Location location = newAddress(repo);
    storage.storeFor(location).write(location, digest, size, ObjectMetadata.EMPTY);
    String md5 = HexFormat.of().formatHex(digest.getMessageDigest().digest());
    stage(repo, branch, path, location, size, md5, contentType, userMetadata);
  }

  /**
   * Stages an object whose bytes are already at {@code physicalAddress}, as lakeFS's "link physical
   * address" does: nothing is read or copied. Benchmarks use it to commit data that other tools
   * read from the same place, and to build commits far larger than uploading would allow.
   *
   * @param checksum hex MD5 of the content (what S3 reports as the ETag of a single-part upload)
   */
  public void linkObject(
      String repository,
      String branch,
      String path,
      String physicalAddress,
      long size,
      String checksum,
      String contentType) {
    Repo repo = repo(repository);
    if (repo.branch(branch) == null) {
      throw new IllegalArgumentException(
          "branch '" + branch + "' not found in repository '" + repository + "'");
    }
    requireName(path, "path");
    if (size < 0) {
      throw new IllegalArgumentException("size of '" + path + "' is negative: " + size);
    }
    Location location;
    try {
      location = Location.parseAddress(physicalAddress);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("physical address of '" + path + "': " + e.getMessage());
    }
    stage(repo, branch, path, location, size, checksum, contentType, Map.of());
  }

  void stage(
      Repo repo,
      String branch,
      String path,
      Location location,
      long size,
      String md5,
      String contentType,
      Map<String, String> userMetadata) {
    repo.stage(
        branch,
        path,
        new Entry(
            path,
            location.toUnredactedString(),
            size,
            md5,
            Instant.now().getEpochSecond(),
            contentType == null || contentType.isEmpty() ? "application/octet-stream" : contentType,
            userMetadata));
  }

  /** A fresh address under the repository's namespace, as lakeFS gives new objects. */
  Location newAddress(Repo repo) {
    return Location.parse(repo.storageNamespace)
        .child("data/g" + UUID.randomUUID().toString().replace("-", ""));
  }

  public void deleteObject(String repository, String branch, String path) {
    Repo repo = repo(repository);
    try {
      if (!repo.unstage(branch, path)) {
        throw new IllegalArgumentException(
            "no object '"
                + path
                + "' on branch '"
                + branch
                + "' of repository '"
                + repository
                + "'");
      }
    } catch (EmulatorException e) {
      throw new IllegalArgumentException(e.getMessage() + " in repository '" + repository + "'");
    }
  }

  /** Commits what is staged on {@code branch}; returns the new commit's id. */
  public String commit(String repository, String branch, String message) {
    try {
      return repo(repository).commit(branch, COMMITTER, message, Map.of()).id();
    } catch (EmulatorException e) {
      throw new IllegalArgumentException(
          e.getMessage() + " (branch '" + branch + "' of repository '" + repository + "')");
    }
  }

  /**
   * Where the bytes of {@code path} at {@code ref} are; for tests that inspect or break storage.
   */
  public String physicalAddress(String repository, String ref, String path) {
    Repo.View view = repo(repository).view(ref);
    if (view == null) {
      throw new IllegalArgumentException(
          "ref '" + ref + "' not found in repository '" + repository + "'");
    }
    Entry entry = view.get(path);
    if (entry == null) {
      throw new IllegalArgumentException(
          "no object '" + path + "' at ref '" + ref + "' of repository '" + repository + "'");
    }
    return entry.physicalAddress();
  }

  private Repo repo(String repository) {
    Repo repo = repositories.get(Objects.requireNonNull(repository, "repository is null"));
    if (repo == null) {
      throw new IllegalArgumentException("repository '" + repository + "' not found");
    }
    return repo;
  }

  private static void refuse(String problem) {
    throw new IllegalArgumentException(problem);
  }

  private static void requireName(String value, String what) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(what + " is empty");
    }
  }

  static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (ownsStorage) {
      try {
        storage.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Settings of an emulator. */
  public static final class Builder {
    private int port;
    private String accessKeyId = "AKIAEMULATOR";
    private String secretAccessKey = "emulator-secret";
    private StorageRegistry storage;

    private Builder() {}

    /** 0 (the default) takes a free port. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder credentials(String accessKeyId, String secretAccessKey) {
      this.accessKeyId = Objects.requireNonNull(accessKeyId, "accessKeyId is null");
      this.secretAccessKey = Objects.requireNonNull(secretAccessKey, "secretAccessKey is null");
      return this;
    }

    /** Where repositories keep their objects; by default every provider on the class path. */
    public Builder storage(StorageRegistry storage) {
      this.storage = Objects.requireNonNull(storage, "storage is null");
      return this;
    }

    public LakeFsEmulator start() throws IOException {
      return new LakeFsEmulator(this);
    }
  }
}
