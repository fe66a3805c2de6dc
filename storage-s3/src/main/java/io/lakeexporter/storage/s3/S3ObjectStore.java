package io.lakeexporter.storage.s3;

import io.lakeexporter.storage.BucketNotFoundException;
import io.lakeexporter.storage.ConnectionFailures;
import io.lakeexporter.storage.EveryRequestRefusedException;
import io.lakeexporter.storage.ExactLengthInputStream;
import io.lakeexporter.storage.HeaderMetadata;
import io.lakeexporter.storage.LeftoverRemovable;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.MultipartUpload;
import io.lakeexporter.storage.MultipartWritable;
import io.lakeexporter.storage.NamedReadFailures;
import io.lakeexporter.storage.ObjectInfo;
import io.lakeexporter.storage.ObjectMetadata;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.PagedListing;
import io.lakeexporter.storage.Parallel;
import io.lakeexporter.storage.PartLimits;
import io.lakeexporter.storage.PartRetry;
import io.lakeexporter.storage.Presignable;
import io.lakeexporter.storage.RequestRefusedException;
import io.lakeexporter.storage.SequentialParts;
import io.lakeexporter.storage.ServerSideCopyable;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.storage.StoreCapability;
import io.lakeexporter.storage.UploadedPart;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Stream;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.EncodingType;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Amazon S3 and S3-compatible stores ({@code s3://} and {@code s3a://}). One instance serves every
 * bucket; buckets with different settings get different clients (see {@link S3ClientSettings}).
 *
 * <p>Writes up to {@code s3.multipart.threshold} are one PutObject, larger ones a multipart upload
 * that is aborted on failure. Copies between buckets of the same client are server-side: CopyObject
 * up to {@code s3.copy.multipart-threshold}, parallel UploadPartCopy beyond it.
 */
public final class S3ObjectStore
    implements ObjectStore, MultipartWritable, ServerSideCopyable, Presignable, LeftoverRemovable {

  /** S3's own limits: 5 MiB to 5 GiB parts (the last may be smaller), 10,000 parts. */
  static final PartLimits S3_LIMITS = new PartLimits(5L << 20, 5L << 30, 10_000);

  private static final int MAX_DELETE_BATCH = 1000;
  private static final int MAX_KEY_BYTES = 1024;

  /** How long a failed part copy waits for the parts in flight before it aborts the upload. */
  private static final Duration PART_STOP_WAIT = Duration.ofSeconds(30);

  private final StorageSettings settings;
  private final S3Clients clients;
  private final long multipartThreshold;
  private final long fastPutLimit;
  private final long partSize;
  private final long copyThreshold;
  private final long copyPartSize;
  private final ExecutorService copyPool;

  /** Starts multipart uploads on threads no interrupt reaches: see {@link #startMultipart}. */
  private final ExecutorService uploadStarts =
      Executors.newCachedThreadPool(Parallel.daemonThreads("s3-upload-start"));

  private final AtomicLong serverSideCopies = new AtomicLong();
  private final AtomicLong partCopies = new AtomicLong();

  /** The settings read here. */
  static final Set<String> KEYS =
      Set.of(
          "s3.multipart.threshold",
          "s3.fast-path.put-limit",
          "s3.multipart.part-size",
          "s3.copy.multipart-threshold",
          "s3.copy.part-size",
          "s3.copy.concurrency");

  S3ObjectStore(StorageSettings settings) {
    this.settings = settings;
    this.clients = new S3Clients(settings);
    this.multipartThreshold = settings.getBytes("s3.multipart.threshold", 16L << 20);
    this.fastPutLimit =
        Math.min(settings.getBytes("s3.fast-path.put-limit", 1L << 20), multipartThreshold);
    this.partSize =
        Math.max(S3_LIMITS.minPartSize(), settings.getBytes("s3.multipart.part-size", 16L << 20));
    this.copyThreshold = settings.getBytes("s3.copy.multipart-threshold", 256L << 20);
    this.copyPartSize =
        Math.max(S3_LIMITS.minPartSize(), settings.getBytes("s3.copy.part-size", 128L << 20));
    int copyConcurrency = settings.getInt("s3.copy.concurrency", 8);
    this.copyPool =
        Executors.newFixedThreadPool(copyConcurrency, Parallel.daemonThreads("s3-part-copy"));
  }

  @Override
  public String name() {
    return "s3";
  }

  /** {@code s3a://} names the same bucket and key as {@code s3://}. */
  @Override
  public Location canonical(Location location) {
    return new Location("s3", location.authority(), location.path());
  }

  /** S3 refuses keys longer than 1,024 bytes in UTF-8 (S3Proxy answers them with a 500). */
  @Override
  public Optional<String> nameProblem(Location location) {
    int bytes = location.path().getBytes(StandardCharsets.UTF_8).length;
    return bytes > MAX_KEY_BYTES
        ? Optional.of(
            String.format(
                Locale.ROOT,
                "S3 takes keys of up to 1,024 bytes in UTF-8, and this one has %,d",
                bytes))
        : Optional.empty();
  }

  /**
   * S3 keeps metadata names in lower case and values as HTTP headers: see {@link HeaderMetadata}.
   */
  @Override
  public Optional<String> metadataProblem(ObjectMetadata metadata) {
    return HeaderMetadata.problem(metadata, "S3", true);
  }

  @Override
  public Set<StoreCapability> capabilities() {
    return Set.of(
        StoreCapability.WRITE,
        StoreCapability.DELETE,
        StoreCapability.LIST,
        StoreCapability.METADATA,
        StoreCapability.SORTED_LISTING,
        // every PUT and part declares its Content-Length; S3 refuses a body of another length
        StoreCapability.VERIFIED_WRITES);
  }

  /** Server-side copies done by CopyObject and by UploadPartCopy: how a copy travelled. */
  long[] serverSideCopyCounts() {
    return new long[] {serverSideCopies.get(), partCopies.get()};
  }

  private static String bucket(Location l) {
    return l.authority();
  }

  /**
   * The object key of {@code l}. S3 reads an empty key as the bucket itself ({@code /bucket/}): a
   * DELETE would remove an empty bucket and a PUT create one, so no object operation sends it.
   */
  private static String key(Location l) {
    if (l.path().isEmpty()) {
      throw new IllegalArgumentException(
          l + " has no object key: it names bucket '" + bucket(l) + "', not an object in it");
    }
    return l.path();
  }

  private S3Client client(Location l) {
    return clients.client(bucket(l));
  }

  @Override
  public ObjectInfo stat(Location location) throws IOException {
    String key = key(location);
    try {
      HeadObjectResponse head =
          client(location).headObject(b -> b.bucket(bucket(location)).key(key));
      return new ObjectInfo(
          location,
          head.contentLength(),
          head.lastModified() == null ? Instant.EPOCH : head.lastModified(),
          stripQuotes(head.eTag()),
          new ObjectMetadata(
              head.contentType() == null ? "" : head.contentType(), head.metadata()));
    } catch (SdkException | UncheckedIOException e) {
      throw translate(e, "stat", location);
    }
  }

  @Override
  public InputStream read(Location location, long offset, long length) throws IOException {
    String key = key(location);
    if (length == 0) {
      stat(location);
      return InputStream.nullInputStream();
    }
    var range = new ByteRange(offset, length);
    var fast = clients.fastPath(bucket(location));
    if (fast.isPresent()) {
      try {
        return NamedReadFailures.of(
            fast.get().getObject(bucket(location), key, range),
            e -> translate(e, "read", location));
      } catch (S3FastPath.Failure e) {
        if (e.status() == 416) {
          stat(location);
          return InputStream.nullInputStream();
        }
        throw translate(e, "read", location);
      } catch (IOException e) {
        throw translate(e, "read", location);
      }
    }
    ResponseInputStream<GetObjectResponse> in;
    try {
      in =
          client(location)
              .getObject(b -> b.bucket(bucket(location)).key(key).range(range.header()));
    } catch (SdkException | UncheckedIOException e) {
      if (e instanceof S3Exception s3 && s3.statusCode() == 416) {
        stat(location);
        return InputStream.nullInputStream();
      }
      throw translate(e, "read", location);
    }
    GetObjectResponse answer = in.response();
    try {
      long take =
          range.bytesToTake(
              answer.sdkHttpResponse().statusCode(),
              answer.contentRange(),
              answer.contentLength() == null ? -1 : answer.contentLength());
      return NamedReadFailures.of(ByteRange.take(in, take), e -> translate(e, "read", location));
    } catch (IOException e) {
      in.abort(); // rather than reading the rest of a whole object to reuse the connection
      throw translate(e, "read", location);
    }
  }

  @Override
  public void write(Location location, InputStream data, long size, ObjectMetadata metadata)
      throws IOException {
    String key = key(location);
    var fast = clients.fastPath(bucket(location));
    if (size <= fastPutLimit
        && fast.isPresent()
        && S3FastPath.carries(contentType(metadata), metadata.userMetadata())) {
      var exact = new ExactLengthInputStream(data, size, location.toString());
      byte[] body = exact.readNBytes((int) size);
      exact.read(); // throws when the source holds more than it declared
      try {
        fast.get()
            .putObject(bucket(location), key, body, contentType(metadata), metadata.userMetadata());
      } catch (IOException e) {
        throw translate(e, "write", location);
      }
      return;
    }
    if (size <= multipartThreshold) {
      var exact = new ExactLengthInputStream(data, size, location.toString());
      var body = new OneShotBody(exact, size);
      try {
        client(location)
            .putObject(
                b ->
                    b.bucket(bucket(location))
                        .key(key)
                        .contentLength(size)
                        .contentType(contentType(metadata))
                        .metadata(metadata.userMetadata())
                        .overrideConfiguration(OneShotBody::notRetriedBySdk),
                body.requestBody());
        // The body provider stops at the declared size; make sure nothing was left behind.
        if (exact.read() >= 0) {
          throw new IOException(location + ": the source holds more than " + size + " bytes");
        }
      } catch (SdkException | UncheckedIOException e) {
        throw body.failure().orElseGet(() -> translate(e, "write", location));
      }
      return;
    }
    SequentialParts.write(
        this, location, data, size, S3_LIMITS.partSizeFor(size, partSize), metadata);
  }

  @Override
  public List<DeleteFailure> delete(Collection<Location> locations) throws IOException {
    var failures = new ArrayList<DeleteFailure>();
    Map<String, List<Location>> byBucket = new LinkedHashMap<>();
    for (Location l : locations) {
      key(l); // all refused before any is deleted
      byBucket.computeIfAbsent(bucket(l), k -> new ArrayList<>()).add(l);
    }
    for (var entry : byBucket.entrySet()) {
      List<Location> all = new ArrayList<>();
      var alone = new ArrayList<Location>();
      for (Location l : entry.getValue()) {
        // DeleteObjects names its keys in an XML 1.0 body, which cannot hold some characters an
        // S3 key may: one such key would make S3 refuse the whole batch (MalformedXML).
        (xmlCanCarry(l.path()) ? all : alone).add(l);
      }
      var fast = clients.fastPath(entry.getKey());
      if (all.size() == 1 && fast.isPresent()) {
        alone.add(all.remove(0));
      }
      for (Location l : alone) {
        // One key (a stale status file, the odd removed object): one DeleteObject, no batch.
        try {
          if (fast.isPresent()) {
            fast.get().deleteObject(entry.getKey(), l.path());
          } else {
            clients
                .client(entry.getKey())
                .deleteObject(b -> b.bucket(entry.getKey()).key(l.path()));
          }
        } catch (S3FastPath.Failure e) {
          if (e.code().equals("NoSuchBucket")) {
            throw translate(e, "delete from", l);
          }
          failures.add(new DeleteFailure(l, e.code() + ": " + e.s3Message()));
        } catch (IOException e) {
          throw translate(e, "delete from", l);
        } catch (SdkException | UncheckedIOException e) {
          throw translate(e, "delete from", l);
        }
      }
      for (int from = 0; from < all.size(); from += MAX_DELETE_BATCH) {
        List<Location> batch = all.subList(from, Math.min(all.size(), from + MAX_DELETE_BATCH));
        Map<String, Location> byKey = new LinkedHashMap<>();
        batch.forEach(l -> byKey.put(l.path(), l));
        try {
          DeleteObjectsResponse response =
              clients
                  .client(entry.getKey())
                  .deleteObjects(
                      // The engine retries a failed batch: the SDK's tries under its own would
                      // multiply the requests to a store that throttles them.
                      b ->
                          b.overrideConfiguration(OneShotBody::notRetriedBySdk)
                              .bucket(entry.getKey())
                              .delete(
                                  Delete.builder()
                                      .quiet(true)
                                      .objects(
                                          byKey.keySet().stream()
                                              .map(k -> ObjectIdentifier.builder().key(k).build())
                                              .toList())
                                      .build()));
          for (S3Error error : response.errors()) {
            Location l = byKey.get(error.key());
            if (l != null && !"NoSuchKey".equals(error.code())) {
              failures.add(new DeleteFailure(l, error.code() + ": " + error.message()));
            }
          }
        } catch (SdkException | UncheckedIOException e) {
          // Each key of the batch is reported with this one failure: say it was a batch's.
          throw translate(
              e,
              batch.size() == 1
                  ? "delete from"
                  : "delete a batch of " + batch.size() + " keys with",
              batch.get(0));
        }
      }
    }
    return failures;
  }

  /**
   * Whether XML 1.0 can hold {@code key}: no control characters but tab, CR and LF, no U+FFFE/F.
   */
  static boolean xmlCanCarry(String key) {
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x20 ? c != '\t' && c != '\n' && c != '\r' : c == '\uFFFE' || c == '\uFFFF') {
        return false;
      }
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < key.length()
            && Character.isLowSurrogate(key.charAt(i + 1))) {
          i++;
        } else {
          return false;
        }
      }
    }
    return true;
  }

  @Override
  public int maxDeleteBatch() {
    return MAX_DELETE_BATCH;
  }

  /**
   * Through the exporter's own HTTP path where it serves the bucket: a one-byte GET of a key no
   * export writes tells a missing bucket (NoSuchBucket) from a missing key. The default, a listing
   * page, sets up the SDK's client, which an export copying server-side needs nowhere else: that
   * took half a second of CPU and 30 MiB at the start of every such export.
   */
  @Override
  public void requireBucket(Location location) throws IOException {
    var fast = clients.fastPath(bucket(location));
    if (fast.isEmpty()) {
      ObjectStore.super.requireBucket(location);
      return;
    }
    try (InputStream probe =
        fast.get()
            .getObject(
                bucket(location), location.child(BUCKET_PROBE).path(), new ByteRange(0, 1))) {
      // An object by that name: the bucket exists.
    } catch (S3FastPath.Failure e) {
      if ("NoSuchBucket".equals(e.code())) {
        throw refusal(e.status(), e.code(), e.s3Message(), "write", location);
      }
      if (CREDENTIAL_CODES.contains(e.code())) {
        throw new EveryRequestRefusedException(
            clients.endpointOf(bucket(location))
                + " refused the credentials for bucket '"
                + bucket(location)
                + "' ("
                + e.status()
                + " "
                + e.code()
                + (e.s3Message() == null || e.s3Message().isEmpty() ? "" : ": " + e.s3Message())
                + ")");
      }
      // NoSuchKey, or a key that may not read there: nothing more to learn here.
    } catch (IOException e) {
      // In the words the copies would use (a host that does not resolve, the path-style hint).
      throw translate(e, "reach", location);
    }
  }

  /**
   * S3's answers that refuse the credentials themselves, not a permission they lack: an unknown
   * access key id, a signature made with another secret, a session token expired or malformed.
   */
  private static final Set<String> CREDENTIAL_CODES =
      Set.of(
          "InvalidAccessKeyId",
          "SignatureDoesNotMatch",
          "ExpiredToken",
          "InvalidToken",
          "TokenRefreshRequired");

  /**
   * The key {@link #requireBucket} asks for under the location (where a key scoped to the export's
   * prefix may read); that it exists or not tells nothing.
   */
  private static final String BUCKET_PROBE = ".lakefs-export-bucket-probe";

  /**
   * Aborts the multipart uploads under {@code root} started from {@code from} to {@code to}: an
   * upload's key is its target's, so only its start tells an export's from a stranger's.
   */
  @Override
  public long removeLeftovers(Location root, Instant from, Instant to, Predicate<Location> spared)
      throws IOException {
    String path = root.path();
    String prefix = path.isEmpty() || path.endsWith("/") ? path : path + "/";
    long removed = 0;
    try {
      var uploads =
          client(root)
              .listMultipartUploadsPaginator(b -> b.bucket(bucket(root)).prefix(prefix))
              .uploads();
      for (var upload : uploads) {
        Instant started = upload.initiated();
        if (started == null
            || started.isBefore(from)
            || started.isAfter(to)
            || spared.test(new Location(root.scheme(), root.authority(), upload.key()))) {
          continue;
        }
        try {
          client(root)
              .abortMultipartUpload(
                  b -> b.bucket(bucket(root)).key(upload.key()).uploadId(upload.uploadId()));
          removed++;
        } catch (NoSuchUploadException gone) {
          // completed or aborted since it was listed
        }
      }
    } catch (SdkException | UncheckedIOException e) {
      throw translate(e, "abort the open uploads under", root);
    }
    return removed;
  }

  @Override
  public Stream<ObjectInfo> list(Location prefix) throws IOException {
    try {
      Stream<S3Object> objects =
          client(prefix)
              // Keys URL-encoded on the wire (the SDK decodes them): XML 1.0 cannot carry every
              // character a key may hold, and one such key would break the whole page.
              .listObjectsV2Paginator(
                  b ->
                      b.bucket(bucket(prefix)).prefix(prefix.path()).encodingType(EncodingType.URL))
              .contents()
              .stream();
      return PagedListing.translated(objects, e -> listFailure(e, prefix))
          // A key that begins with a slash has no location of its own (one drops the slash): it
          // would be listed as the key without it, another object.
          .filter(o -> !o.key().startsWith("/"))
          .map(
              o ->
                  new ObjectInfo(
                      new Location(prefix.scheme(), prefix.authority(), o.key()),
                      o.size(),
                      o.lastModified() == null ? Instant.EPOCH : o.lastModified(),
                      stripQuotes(o.eTag()),
                      ObjectMetadata.EMPTY));
    } catch (SdkException | UncheckedIOException e) {
      throw listFailure(e, prefix);
    }
  }

  @Override
  public PartLimits partLimits() {
    return S3_LIMITS;
  }

  @Override
  public MultipartUpload startMultipart(
      Location location, long size, long partSize, ObjectMetadata metadata) throws IOException {
    String key = key(location);
    if (Thread.currentThread().isInterrupted()) {
      throw new InterruptedIOException("interrupted before starting an upload to " + location);
    }
    // Answered despite an interrupt that comes meanwhile: S3 may have made the upload when the
    // interrupt stops the client before it reads the id, and an upload whose id is lost is never
    // aborted. The interrupt stays set: the caller's next request fails on it, and the caller
    // aborts this upload.
    String uploadId =
        Parallel.answeredDespiteInterrupt(
            uploadStarts,
            () -> {
              try {
                return client(location)
                    .createMultipartUpload(
                        b ->
                            b.bucket(bucket(location))
                                .key(key)
                                .contentType(contentType(metadata))
                                .metadata(metadata.userMetadata()))
                    .uploadId();
              } catch (SdkException | UncheckedIOException e) {
                throw translate(e, "start a multipart upload to", location);
              }
            });
    return new S3MultipartUpload(location, uploadId);
  }

  @Override
  public MultipartUpload resumeMultipart(Location location, String uploadId) {
    key(location);
    return new S3MultipartUpload(location, uploadId);
  }

  @Override
  public boolean canCopyServerSide(Location source, Location destination) {
    boolean s3 = source.scheme().equals("s3") || source.scheme().equals("s3a");
    return s3 && clients.sameSettings(bucket(source), bucket(destination));
  }

  /** Beyond {@code s3.copy.multipart-threshold}: UploadPartCopy, range by range. */
  @Override
  public boolean copiesInRanges(long size) {
    return size > copyThreshold;
  }

  @Override
  public boolean copyServerSide(
      Location source, Location destination, long size, ObjectMetadata metadata)
      throws IOException {
    return copyServerSide(source, destination, size, metadata, PartRetry.ONCE);
  }

  @Override
  public boolean copyServerSide(
      Location source, Location destination, long size, ObjectMetadata metadata, PartRetry parts)
      throws IOException {
    key(source);
    key(destination);
    String operation = "copy " + source + " to";
    if (size <= copyThreshold) {
      String checksum = metadata.userMetadata().get(ObjectMetadata.LAKEFS_CHECKSUM_KEY);
      var fast = clients.fastPath(bucket(destination));
      String type = contentType(metadata);
      // The source bucket's fast path is known per bucket: no name check per copy.
      if (fast.isPresent()
          && clients.fastPath(bucket(source)).isPresent()
          && S3FastPath.carries(type, metadata.userMetadata())) {
        String etag;
        try {
          etag =
              fast.get()
                  .copyObject(
                      bucket(source),
                      source.path(),
                      bucket(destination),
                      destination.path(),
                      type,
                      metadata.userMetadata());
        } catch (S3FastPath.Failure e) {
          throw "NoSuchKey".equals(e.code())
              ? missingCopySource(source, destination)
              : copyFailure(translate(e, operation, destination), operation, source, destination);
        } catch (IOException e) {
          throw translate(e, operation, destination);
        }
        serverSideCopies.incrementAndGet();
        return checksum != null && etag.equalsIgnoreCase(checksum);
      }
      try {
        var response =
            client(destination)
                .copyObject(
                    b ->
                        b.sourceBucket(bucket(source))
                            .sourceKey(source.path())
                            .destinationBucket(bucket(destination))
                            .destinationKey(destination.path())
                            .metadataDirective(MetadataDirective.REPLACE)
                            .contentType(contentType(metadata))
                            .metadata(metadata.userMetadata()));
        serverSideCopies.incrementAndGet();
        // A single-part copy's ETag is the MD5 of its bytes; equal to the checksum lakeFS
        // recorded, the copy holds exactly the bytes lakeFS knows, and no HEAD is needed.
        String etag =
            response.copyObjectResult() == null ? null : response.copyObjectResult().eTag();
        return etag != null && checksum != null && stripQuotes(etag).equalsIgnoreCase(checksum);
      } catch (NoSuchKeyException e) {
        throw missingCopySource(source, destination);
      } catch (SdkException | UncheckedIOException e) {
        throw copyFailure(translate(e, operation, destination), operation, source, destination);
      }
    }
    copyInParts(source, destination, size, metadata, parts);
    // Every part copied an explicit range and S3 refuses a range past the source's end: the
    // completed object holds exactly size bytes.
    return true;
  }

  /**
   * A copy's NoSuchBucket may be about its source's bucket or its destination's, and S3's code does
   * not say which: both are named when they differ.
   */
  private IOException copyFailure(
      IOException translated, String operation, Location source, Location destination) {
    if (translated instanceof BucketNotFoundException
        && !bucket(source).equals(bucket(destination))) {
      return new BucketNotFoundException(
          "cannot "
              + operation
              + " "
              + destination
              + ": bucket '"
              + bucket(source)
              + "' or '"
              + bucket(destination)
              + "' does not exist at "
              + clients.endpointOf(bucket(destination)));
    }
    return translated;
  }

  /** HEADs after a lost CompleteMultipartUpload answer: 100 ms to 1.6 s apart, 3.1 s in all. */
  private static final int COMPLETION_CHECKS = 5;

  /** S3's ETag of a multipart object made of {@code parts}, in part order. */
  static String multipartEtag(List<UploadedPart> parts) {
    MessageDigest md5;
    try {
      md5 = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    for (UploadedPart part : parts) {
      md5.update(HexFormat.of().parseHex(stripQuotes(part.etag())));
    }
    return HexFormat.of().formatHex(md5.digest()) + "-" + parts.size();
  }

  /** A copy's NoSuchKey is about its source: the destination of a PUT need not exist. */
  private FileNotFoundException missingCopySource(Location source, Location destination) {
    return new FileNotFoundException(
        "no object at " + where(source) + " to copy to " + destination);
  }

  private void copyInParts(
      Location source, Location destination, long size, ObjectMetadata metadata, PartRetry parts)
      throws IOException {
    long part = S3_LIMITS.partSizeFor(size, copyPartSize);
    S3MultipartUpload upload =
        (S3MultipartUpload) startMultipart(destination, size, part, metadata);
    var copies = new ArrayList<Callable<UploadedPart>>();
    int number = 1;
    for (long offset = 0; offset < size; offset += part, number++) {
      long from = offset;
      long to = Math.min(size, offset + part) - 1;
      int n = number;
      copies.add(() -> parts.run(() -> upload.copyPart(n, source, from, to)));
    }
    try {
      upload.complete(Parallel.allOrFirstFailure(copyPool, copies, PART_STOP_WAIT));
      partCopies.incrementAndGet();
    } catch (IOException | RuntimeException e) {
      try {
        upload.abort();
      } catch (IOException | RuntimeException abortFailure) {
        e.addSuppressed(abortFailure);
      }
      throw e;
    }
  }

  @Override
  public Location presignRead(Location location, Duration expiry) throws IOException {
    String key = key(location);
    try {
      String url =
          clients
              .presigner(bucket(location))
              .presignGetObject(
                  p ->
                      p.signatureDuration(expiry)
                          .getObjectRequest(g -> g.bucket(bucket(location)).key(key)))
              .url()
              .toString();
      return Location.parse(url);
    } catch (SdkException e) {
      throw translate(e, "presign", location);
    }
  }

  @Override
  public void close() {
    copyPool.shutdownNow();
    uploadStarts.shutdownNow();
    clients.close();
  }

  /** One upload's parts; needs nothing but the location and the upload id. */
  private final class S3MultipartUpload implements MultipartUpload {
    private final Location location;
    private final String uploadId;

    S3MultipartUpload(Location location, String uploadId) {
      this.location = location;
      this.uploadId = uploadId;
    }

    @Override
    public Location location() {
      return location;
    }

    @Override
    public String uploadId() {
      return uploadId;
    }

    @Override
    public UploadedPart writePart(int partNumber, InputStream data, long length)
        throws IOException {
      var exact = new ExactLengthInputStream(data, length, location + " part " + partNumber);
      var body = new OneShotBody(exact, length);
      try {
        String etag =
            client(location)
                .uploadPart(
                    b ->
                        b.bucket(bucket(location))
                            .key(location.path())
                            .uploadId(uploadId)
                            .partNumber(partNumber)
                            .contentLength(length)
                            .overrideConfiguration(OneShotBody::notRetriedBySdk),
                    body.requestBody())
                .eTag();
        return new UploadedPart(partNumber, length, etag);
      } catch (SdkException | UncheckedIOException e) {
        throw body.failure()
            .orElseGet(() -> translate(e, "write part " + partNumber + " of", location));
      }
    }

    UploadedPart copyPart(int partNumber, Location source, long from, long to) throws IOException {
      try {
        String etag =
            client(location)
                .uploadPartCopy(
                    b ->
                        b.sourceBucket(bucket(source))
                            .sourceKey(source.path())
                            .copySourceRange("bytes=" + from + "-" + to)
                            .destinationBucket(bucket(location))
                            .destinationKey(location.path())
                            .uploadId(uploadId)
                            .partNumber(partNumber)
                            // retried part by part by the caller (PartRetry)
                            .overrideConfiguration(OneShotBody::notRetriedBySdk))
                .copyPartResult()
                .eTag();
        return new UploadedPart(partNumber, to - from + 1, etag);
      } catch (SdkException | UncheckedIOException e) {
        String operation = "copy part " + partNumber + " of " + source + " to";
        throw copyFailure(translate(e, operation, location), operation, source, location);
      }
    }

    @Override
    public void complete(List<UploadedPart> parts) throws IOException {
      var sorted = new ArrayList<>(parts);
      sorted.sort(Comparator.comparingInt(UploadedPart::partNumber));
      try {
        client(location)
            .completeMultipartUpload(
                b ->
                    b.bucket(bucket(location))
                        .key(location.path())
                        .uploadId(uploadId)
                        .multipartUpload(
                            m ->
                                m.parts(
                                    sorted.stream()
                                        .map(
                                            p ->
                                                CompletedPart.builder()
                                                    .partNumber(p.partNumber())
                                                    .eTag(p.etag())
                                                    .build())
                                        .toList())));
      } catch (NoSuchUploadException | UncheckedIOException e) {
        // NoSuchUpload after the SDK sent it again, or an answer that broke off: either way S3
        // may have completed the object, which is then no failure.
        if (!completedEarlier(sorted)) {
          throw translate(e, "complete the upload to", location);
        }
      } catch (SdkException e) {
        throw translate(e, "complete the upload to", location);
      }
    }

    /**
     * Whether the object at the upload's location is the one {@code parts} make. When the answer to
     * a CompleteMultipartUpload is lost after S3 completed the object, the SDK fails reading it (an
     * UncheckedIOException, not an SdkException), or sends it again and S3 answers NoSuchUpload:
     * the copy is done, not failed. S3 names a multipart object by the MD5 of its parts' MD5s and
     * their count; a store that names parts otherwise (SSE-KMS) is not matched, and the failure is
     * reported. S3 sends the answer's head before it has assembled the object (S3Proxy too: a HEAD
     * right after found no object there), so the object is looked for a few times, for up to about
     * three seconds; one that takes longer is copied again by the engine.
     */
    private boolean completedEarlier(List<UploadedPart> parts) {
      long size = parts.stream().mapToLong(UploadedPart::size).sum();
      String etag;
      try {
        etag = multipartEtag(parts);
      } catch (IllegalArgumentException notMd5) {
        return false;
      }
      for (int attempt = 0; attempt < COMPLETION_CHECKS; attempt++) {
        try {
          HeadObjectResponse head =
              client(location).headObject(b -> b.bucket(bucket(location)).key(location.path()));
          if (head.contentLength() != null
              && head.contentLength() == size
              && stripQuotes(head.eTag()).equalsIgnoreCase(etag)) {
            return true;
          }
        } catch (SdkException | UncheckedIOException e) {
          // not there yet, or not asked: look again
        }
        try {
          Thread.sleep(100L << attempt);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return false;
    }

    /** Also from an interrupted thread, which is where a cancelled copy aborts. */
    @Override
    public void abort() throws IOException {
      Parallel.despiteInterrupt(this::sendAbort);
    }

    private void sendAbort() throws IOException {
      try {
        client(location)
            .abortMultipartUpload(
                b -> b.bucket(bucket(location)).key(location.path()).uploadId(uploadId));
      } catch (NoSuchUploadException gone) {
        // aborted or completed already
      } catch (SdkException | UncheckedIOException e) {
        if (e instanceof S3Exception s3 && s3.statusCode() == 404) {
          return;
        }
        throw translate(e, "abort the upload to", location);
      }
    }
  }

  private static String contentType(ObjectMetadata metadata) {
    return metadata.contentType().isEmpty() ? "application/octet-stream" : metadata.contentType();
  }

  private static String stripQuotes(String etag) {
    if (etag == null) {
      return "";
    }
    return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")
        ? etag.substring(1, etag.length() - 1)
        : etag;
  }

  /** A clear IOException naming bucket, key and endpoint; never a credential. */
  private IOException translate(RuntimeException e, String operation, Location location) {
    if (e instanceof AbortedException) {
      // The SDK's word for a request its thread's interrupt stopped.
      return interrupted(e, operation, location);
    }
    if (e instanceof S3Exception s3) {
      String code = s3.awsErrorDetails() == null ? "" : s3.awsErrorDetails().errorCode();
      return refusal(s3.statusCode(), code, messageOf(s3), operation, location);
    }
    String message = String.valueOf(e.getMessage());
    // The SDK lists every provider it asked, a screenful that hides what to set.
    if (message.startsWith("Unable to load credentials")) {
      return new EveryRequestRefusedException(
          "cannot " + operation + " " + where(location) + ": " + NO_CREDENTIALS);
    }
    if (message.startsWith("Unable to load region")) {
      return new EveryRequestRefusedException(
          "cannot "
              + operation
              + " "
              + location
              + ": no AWS region found; set s3.region (fs.s3a.endpoint.region) or AWS_REGION");
    }
    return new IOException(
        "cannot "
            + operation
            + " "
            + where(location)
            + ": "
            + ConnectionFailures.describe(e).orElse(message)
            + pathStyleHint(e, location),
        e);
  }

  /**
   * A bucket's own host name that does not resolve ({@code bucket.minio.local}) is what a server
   * that serves buckets by path answers to virtual-hosted requests: say which setting decides it.
   */
  private String pathStyleHint(Throwable e, Location location) {
    boolean unknownHost = false;
    boolean bucketHost = false;
    String host = bucket(location) + ".";
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      unknownHost |= t instanceof UnknownHostException;
      String message = t.getMessage();
      bucketHost |= message != null && (message.startsWith(host) || message.contains("//" + host));
    }
    return unknownHost && bucketHost
        ? "; the bucket was addressed as a host name of its own (virtual-hosted style): for an"
            + " endpoint that serves buckets by path, set s3.path-style-access=true"
        : "";
  }

  /**
   * A listing has no object to miss: S3 answers 404 only with NoSuchBucket. A 404 without it comes
   * from a server that is not S3 (another service's port, a web server), which the words for a
   * missing object would hide.
   */
  private IOException listFailure(RuntimeException e, Location prefix) {
    if (e instanceof S3Exception s3
        && s3.statusCode() == 404
        && (s3.awsErrorDetails() == null
            || !"NoSuchBucket".equals(s3.awsErrorDetails().errorCode()))) {
      return new FileNotFoundException(
          "cannot list "
              + where(prefix)
              + ": the endpoint answered 404 without an S3 error code; is it an S3 endpoint?");
    }
    return translate(e, "list", prefix);
  }

  /** What to set when no credentials provider has any. */
  static final String NO_CREDENTIALS =
      "no AWS credentials found; set s3.access-key-id and s3.secret-access-key"
          + " (fs.s3a.access.key, fs.s3a.secret.key), s3.profile, or AWS_ACCESS_KEY_ID and"
          + " AWS_SECRET_ACCESS_KEY";

  /** The same words for the fast path's refusals and faults as for the SDK's. */
  private IOException translate(IOException e, String operation, Location location) {
    if (e instanceof S3FastPath.Failure f) {
      return refusal(f.status(), f.code(), f.s3Message(), operation, location);
    }
    if (e instanceof RequestRefusedException) {
      String words = "cannot " + operation + " " + where(location) + ": " + e.getMessage();
      return e instanceof EveryRequestRefusedException
          ? new EveryRequestRefusedException(words)
          : new RequestRefusedException(words);
    }
    if (e instanceof InterruptedIOException && !(e instanceof SocketTimeoutException)) {
      return interrupted(e, operation, location);
    }
    // The exporter's own HTTP client passes a broken connection on as the socket's failure,
    // whose bare text ("Connection reset") reads like no sentence: the same words as the SDK's.
    String reason =
        e instanceof SocketException || e instanceof EOFException
            ? ConnectionFailures.describe(e).orElse(e.getMessage())
            : e.getMessage();
    return new IOException(
        "cannot " + operation + " " + where(location) + ": " + reason + pathStyleHint(e, location),
        e);
  }

  /** Still an interrupt to the caller, which stops rather than trying again. */
  private InterruptedIOException interrupted(Exception cause, String operation, Location location) {
    var interrupted =
        new InterruptedIOException("cannot " + operation + " " + where(location) + ": interrupted");
    interrupted.initCause(cause);
    return interrupted;
  }

  private String where(Location location) {
    return location + " (endpoint " + clients.endpointOf(bucket(location)) + ")";
  }

  private IOException refusal(
      int status, String code, String message, String operation, Location location) {
    String where = where(location);
    if ("NoSuchBucket".equals(code)) {
      return new BucketNotFoundException(
          "cannot "
              + operation
              + " "
              + location
              + ": bucket '"
              + bucket(location)
              + "' does not exist at "
              + clients.endpointOf(bucket(location)));
    }
    if ("NoSuchUpload".equals(code)) {
      // Not a missing object: the upload was aborted or expired (a lifecycle rule) meanwhile. The
      // copy engine starts the object again.
      return new IOException(
          "cannot "
              + operation
              + " "
              + where
              + ": its multipart upload no longer exists (404 NoSuchUpload: aborted or expired)");
    }
    if (status == 404 || "NoSuchKey".equals(code)) {
      return new FileNotFoundException("no object at " + where);
    }
    if (status == 403
        || "InvalidAccessKeyId".equals(code)
        || "SignatureDoesNotMatch".equals(code)) {
      return new RequestRefusedException(
          "access denied to "
              + operation
              + " "
              + where
              + " ("
              + status
              + (code == null || code.isEmpty() ? "" : " " + code)
              + "): check the credentials for bucket '"
              + bucket(location)
              + "'");
    }
    String text =
        "cannot "
            + operation
            + " "
            + where
            + ": "
            + status
            + " "
            + (code == null ? "" : code)
            + " "
            + message;
    // S3 answers an upload it waited too long for with 400 RequestTimeout: worth another try.
    return RequestRefusedException.isRefusal(status) && !"RequestTimeout".equals(code)
        ? new RequestRefusedException(text)
        : new IOException(text);
  }

  private static String messageOf(S3Exception e) {
    return e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null
        ? ""
        : e.awsErrorDetails().errorMessage();
  }

  /** The settings this store was built from. */
  StorageSettings settings() {
    return settings;
  }
}
