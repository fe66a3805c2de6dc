package io.lakeexporter.storage.gcs;

import com.google.api.gax.retrying.ResultRetryAlgorithm;
import com.google.api.gax.retrying.TimedAttemptSettings;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.ReadChannel;
import com.google.cloud.WriteChannel;
import com.google.cloud.http.HttpTransportOptions;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.CopyWriter;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageBatch;
import com.google.cloud.storage.StorageBatchResult;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.StorageOptions;
import com.google.cloud.storage.StorageRetryStrategy;
import io.lakeexporter.storage.BucketNotFoundException;
import io.lakeexporter.storage.ConnectionFailures;
import io.lakeexporter.storage.ExactLengthInputStream;
import io.lakeexporter.storage.LeftoverRemovable;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.MultipartUpload;
import io.lakeexporter.storage.MultipartWritable;
import io.lakeexporter.storage.ObjectInfo;
import io.lakeexporter.storage.ObjectMetadata;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.PagedListing;
import io.lakeexporter.storage.PartLimits;
import io.lakeexporter.storage.Presignable;
import io.lakeexporter.storage.Redaction;
import io.lakeexporter.storage.RequestRefusedException;
import io.lakeexporter.storage.ServerSideCopyable;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.storage.StoreCapability;
import io.lakeexporter.storage.UnsupportedStoreOperationException;
import io.lakeexporter.storage.UploadIds;
import io.lakeexporter.storage.UploadedPart;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.PushbackInputStream;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import java.util.zip.CRC32C;

/**
 * Google Cloud Storage. Small writes are one request, larger ones a resumable upload that is only
 * finalised once every byte arrived; both are checked against the CRC32C GCS reports. Parts written
 * by several workers are temporary objects under {@value #UPLOADS_PREFIX} composed into the final
 * object (32 at a time) and then deleted; each names its target in its metadata, so that what an
 * export cut off left there can be told from the parts of another root's export. Copies inside GCS
 * use the rewrite API.
 */
public final class GcsObjectStore
    implements ObjectStore, MultipartWritable, ServerSideCopyable, Presignable, LeftoverRemovable {

  /** Temporary parts live here, outside any exported prefix. */
  static final String UPLOADS_PREFIX = ".lakefs-export-uploads/";

  /** The metadata key of a temporary part that holds the name of the object it is a part of. */
  static final String PART_OF = "lakefs-export-part-of";

  private static final int MAX_COMPOSE = 32;
  private static final int BATCH = 100;

  private final Storage storage;

  /** The same client, sending each request once: for what the copy engine retries. */
  private final Storage once;

  /** The endpoint as messages show it: without the password of a user info. */
  private final String endpoint;

  private final long uploadThreshold;
  private final PartLimits partLimits;
  private final AtomicLong rewrites = new AtomicLong();

  /** The settings read here. */
  static final Set<String> KEYS =
      Set.of(
          "gcs.endpoint",
          "gcs.project-id",
          "fs.gs.project.id",
          "gcs.no-auth",
          "gcs.credentials-file",
          "fs.gs.auth.service.account.json.keyfile",
          "gcs.upload.threshold",
          "gcs.compose.min-part-size",
          "gcs.sdk.max-attempts",
          "gcs.connection-timeout",
          "gcs.socket-timeout");

  GcsObjectStore(StorageSettings settings) throws IOException {
    this.endpoint =
        Redaction.url(settings.get("gcs.endpoint").orElse("https://storage.googleapis.com"));
    var builder = StorageOptions.http();
    settings.first("gcs.project-id", "fs.gs.project.id").ifPresent(builder::setProjectId);
    settings.get("gcs.endpoint").ifPresent(builder::setHost);
    // The client's own defaults (20 s to connect, 20 s for each read), settable: a stalled request
    // waits that long before the client or the copy engine sends it again.
    builder.setTransportOptions(
        HttpTransportOptions.newBuilder()
            .setConnectTimeout(
                millis(settings.getDuration("gcs.connection-timeout", Duration.ofSeconds(20))))
            .setReadTimeout(
                millis(settings.getDuration("gcs.socket-timeout", Duration.ofSeconds(20))))
            .build());
    // Few attempts where the client retries (stats, listings, composes): its default (up to 50 s
    // of attempts) kept an unreachable endpoint silent for that long per request.
    builder.setRetrySettings(
        StorageOptions.getDefaultRetrySettings().toBuilder()
            .setMaxAttempts(settings.getInt("gcs.sdk.max-attempts", 3))
            .build());
    if (settings.getBoolean("gcs.no-auth", false)) {
      builder.setCredentials(NoCredentials.getInstance());
    } else {
      for (String key :
          List.of("gcs.credentials-file", "fs.gs.auth.service.account.json.keyfile")) {
        if (settings.get(key).isPresent()) {
          builder.setCredentials(credentials(key, Path.of(settings.get(key).get())));
          break;
        }
      }
    }
    // Every request this client sends is safe to send again, the composes that finish a parallel
    // upload included (the same parts into the same object); the client's default retries only
    // those it knows to be idempotent, and a compose without preconditions is not among them.
    this.storage =
        builder
            .setStorageRetryStrategy(StorageRetryStrategy.getUniformStorageRetryStrategy())
            .build()
            .getService();
    // The requests the copy engine retries itself (writes, rewrites, reads, deletes; four
    // attempts, jittered backoff from 200 ms) go out once. Under the engine, the client's own
    // retries (six tries, backoff from 1 s, up to 50 s in all) kept a throttled upload waiting
    // minutes before the engine's next attempt, and up to 24 requests reached a store that had
    // asked for fewer. Stats, listings and composes, which the engine does not retry, keep them.
    // The retry strategy says no as well: a read channel whose answer breaks off after its head
    // asks only the strategy, not the attempt count, before it sends the read again, and with
    // one that says yes it did so without end or pause while the fault lasted.
    this.once =
        builder
            .setRetrySettings(
                StorageOptions.getDefaultRetrySettings().toBuilder().setMaxAttempts(1).build())
            .setStorageRetryStrategy(NEVER_RETRY)
            .build()
            .getService();
    this.uploadThreshold = settings.getBytes("gcs.upload.threshold", 4L << 20);
    this.partLimits =
        new PartLimits(settings.getBytes("gcs.compose.min-part-size", 5L << 20), 5L << 30, 10_000);
  }

  private static int millis(Duration timeout) {
    return (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
  }

  /**
   * The credentials of a key file, or a refusal naming the setting and what is wrong with the file:
   * the client's own words are a file name alone, or a JSON parser's advice to read malformed JSON
   * leniently.
   *
   * @throws IllegalArgumentException when the file cannot be read or holds no credentials
   */
  static GoogleCredentials credentials(String key, Path file) {
    byte[] json;
    try {
      json = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(key + " names " + file + ", which does not exist", e);
    } catch (AccessDeniedException e) {
      throw new IllegalArgumentException(
          key + " names " + file + ", which cannot be read: permission denied", e);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          key + " names " + file + ", which cannot be read: " + e.getMessage(), e);
    }
    try {
      return GoogleCredentials.fromStream(new ByteArrayInputStream(json));
    } catch (IOException | RuntimeException e) {
      String text = new String(json, StandardCharsets.UTF_8).strip();
      String why =
          text.startsWith("{")
              ? "is not a key file GCS accepts (a service account's JSON key from the console or"
                  + " gcloud): "
                  + String.valueOf(e.getMessage()).lines().findFirst().orElse("")
              : "is not JSON (a service account's JSON key from the console or gcloud)";
      throw new IllegalArgumentException(key + " names " + file + ", which " + why, e);
    }
  }

  @Override
  public String name() {
    return "gcs";
  }

  @Override
  public Set<StoreCapability> capabilities() {
    return Set.of(
        StoreCapability.WRITE,
        StoreCapability.DELETE,
        StoreCapability.LIST,
        StoreCapability.METADATA,
        StoreCapability.SORTED_LISTING,
        // the CRC32C GCS reports for every write is compared with the bytes sent
        StoreCapability.VERIFIED_WRITES);
  }

  String projectId() {
    return storage.getOptions().getProjectId();
  }

  /** Copies made by the rewrite API: how copies travelled. */
  long rewriteCount() {
    return rewrites.get();
  }

  /** See {@link ObjectNames}. */
  @Override
  public Optional<String> nameProblem(Location location) {
    return ObjectNames.bucketProblem(location.authority())
        .or(() -> ObjectNames.problem(location.path()));
  }

  private static BlobId id(Location l) {
    return BlobId.of(l.authority(), l.path());
  }

  /** GCS's unit of a resumable upload's chunk. */
  private static final int CHUNK_UNIT = 256 << 10;

  /** The client's default chunk, which it buffers whole on the heap before sending it. */
  static final int MAX_CHUNK = 16 << 20;

  /**
   * The chunk a resumable upload of {@code size} bytes buffers: the next of GCS's units above the
   * object, up to the client's 16 MiB. A 5 MiB part took a 16 MiB buffer, and 16 uploads at once
   * ran a 256 MiB heap out of memory. Above, not at: a buffer the object fills is sent as a chunk
   * of its own before the upload ends, and the end then takes one more request.
   */
  static int chunkFor(long size) {
    long above = (size / CHUNK_UNIT + 1) * CHUNK_UNIT;
    return (int) Math.min(MAX_CHUNK, above);
  }

  private static BlobInfo info(Location l, ObjectMetadata metadata) {
    return info(id(l), metadata);
  }

  private static BlobInfo info(BlobId id, ObjectMetadata metadata) {
    return BlobInfo.newBuilder(id)
        .setContentType(
            metadata.contentType().isEmpty() ? "application/octet-stream" : metadata.contentType())
        .setMetadata(
            metadata.userMetadata().isEmpty() ? null : new HashMap<>(metadata.userMetadata()))
        .build();
  }

  /** Retries nothing: for the requests the copy engine retries itself. */
  private static final StorageRetryStrategy NEVER_RETRY =
      new StorageRetryStrategy() {
        private static final long serialVersionUID = 1L;

        @Override
        public ResultRetryAlgorithm<?> getIdempotentHandler() {
          return NoRetry.INSTANCE;
        }

        @Override
        public ResultRetryAlgorithm<?> getNonidempotentHandler() {
          return NoRetry.INSTANCE;
        }
      };

  private enum NoRetry implements ResultRetryAlgorithm<Object> {
    INSTANCE;

    @Override
    public TimedAttemptSettings createNextAttempt(
        Throwable previousThrowable, Object previousResponse, TimedAttemptSettings previous) {
      return null;
    }

    @Override
    public boolean shouldRetry(Throwable previousThrowable, Object previousResponse) {
      return false;
    }
  }

  @Override
  public ObjectInfo stat(Location location) throws IOException {
    Blob blob;
    try {
      blob = storage.get(id(location));
    } catch (StorageException e) {
      throw translate(e, "stat", location);
    }
    if (blob == null) {
      throw new FileNotFoundException("no object at " + location + " (endpoint " + endpoint + ")");
    }
    return toInfo(location, blob);
  }

  private static ObjectInfo toInfo(Location location, Blob blob) {
    return new ObjectInfo(
        location,
        blob.getSize() == null ? 0 : blob.getSize(),
        blob.getUpdateTimeOffsetDateTime() == null
            ? Instant.EPOCH
            : blob.getUpdateTimeOffsetDateTime().toInstant(),
        blob.getEtag() == null ? "" : blob.getEtag(),
        new ObjectMetadata(
            blob.getContentType() == null ? "" : blob.getContentType(),
            blob.getMetadata() == null ? Map.of() : withoutNulls(blob.getMetadata())),
        // Base64 on the wire; none for a composed object.
        blob.getMd5() == null
            ? ""
            : HexFormat.of().formatHex(Base64.getDecoder().decode(blob.getMd5())));
  }

  private static Map<String, String> withoutNulls(Map<String, String> m) {
    var out = new HashMap<String, String>();
    m.forEach(
        (k, v) -> {
          if (v != null) {
            out.put(k, v);
          }
        });
    return out;
  }

  @Override
  public InputStream read(Location location, long offset, long length) throws IOException {
    if (length == 0) {
      stat(location);
      return InputStream.nullInputStream();
    }
    try {
      ReadChannel channel = once.reader(id(location));
      channel.seek(offset);
      if (length > 0) {
        channel.limit(offset + length);
      }
      var in = new PushbackInputStream(Channels.newInputStream(channel), 1);
      // The first read sends the request: a missing object fails here, not later.
      int first = in.read();
      if (first >= 0) {
        in.unread(first);
      }
      return in;
    } catch (StorageException e) {
      throw translate(e, "read", location);
    } catch (IOException e) {
      if (e.getCause() instanceof StorageException se) {
        throw translate(se, "read", location);
      }
      if (e instanceof InterruptedIOException) {
        throw e;
      }
      // An answer that broke off comes as the socket's own failure ("Connection reset"), which
      // names neither the object nor the endpoint.
      throw translate(new StorageException(e), "read", location);
    }
  }

  @Override
  public void write(Location location, InputStream data, long size, ObjectMetadata metadata)
      throws IOException {
    var exact = new ExactLengthInputStream(data, size, location.toString());
    var crc = new CRC32C();
    try {
      Blob blob;
      if (size <= uploadThreshold) {
        // One array of the object's size: readAllBytes would hold its chunks and their copy.
        byte[] bytes = new byte[Math.toIntExact(size)];
        exact.readNBytes(bytes, 0, bytes.length);
        exact.read(); // the end, where a longer source fails
        crc.update(bytes);
        blob = once.create(info(location, metadata), bytes);
      } else {
        WriteChannel writer = once.writer(info(location, metadata));
        writer.setChunkSize(chunkFor(size));
        byte[] buffer = new byte[1 << 20];
        int n;
        while ((n = exact.read(buffer)) > 0) {
          crc.update(buffer, 0, n);
          ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
          while (chunk.hasRemaining()) {
            writer.write(chunk);
          }
        }
        // Only now, with every byte read, is the upload finalised; a failure above leaves the
        // resumable session unfinished and nothing visible.
        writer.close();
        blob = storage.get(id(location));
      }
      verifyCrc(location, blob, crc);
    } catch (StorageException e) {
      // A write needs no object to be there: its 404 is the bucket's, whatever its words.
      throw e.getCode() == 404 ? missingBucket("write", location) : translate(e, "write", location);
    }
  }

  /** A mismatch removes the object: a wrong copy is worse than none. */
  private void verifyCrc(Location location, Blob blob, CRC32C crc) throws IOException {
    if (blob == null || blob.getCrc32c() == null) {
      return; // not reported: nothing to compare
    }
    String expected =
        Base64.getEncoder()
            .encodeToString(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    if (!expected.equals(blob.getCrc32c())) {
      storage.delete(blob.getBlobId());
      throw new IOException(
          "CRC32C mismatch writing "
              + location
              + ": sent "
              + expected
              + ", GCS stored "
              + blob.getCrc32c());
    }
  }

  /**
   * One batch request of up to 100 deletes (the JSON API's batch limit). Each delete's own answer
   * decides: the client's list-returning {@code delete} turns every error (403, 429, 5xx) into the
   * same {@code false} as "not found", which would report deletes that did not happen as done.
   */
  @Override
  public List<DeleteFailure> delete(Collection<Location> locations) throws IOException {
    var failures = new ArrayList<DeleteFailure>();
    var all = new ArrayList<>(locations);
    for (int from = 0; from < all.size(); from += BATCH) {
      List<Location> chunk = all.subList(from, Math.min(all.size(), from + BATCH));
      StorageBatch batch = once.batch();
      var results = new ArrayList<StorageBatchResult<Boolean>>(chunk.size());
      for (Location l : chunk) {
        results.add(batch.delete(id(l)));
      }
      try {
        batch.submit();
      } catch (StorageException e) {
        throw translate(e, "delete from", chunk.get(0));
      }
      for (int i = 0; i < chunk.size(); i++) {
        Location l = chunk.get(i);
        try {
          results.get(i).get();
        } catch (StorageException e) {
          deleteFailure(e, l).ifPresent(failures::add);
        }
      }
    }
    return failures;
  }

  @Override
  public int maxDeleteBatch() {
    return BATCH;
  }

  @Override
  public Stream<ObjectInfo> list(Location prefix) throws IOException {
    try {
      var page =
          storage.list(
              prefix.authority(),
              Storage.BlobListOption.prefix(prefix.path()),
              Storage.BlobListOption.pageSize(1000));
      return PagedListing.translated(
              StreamSupport.stream(page.iterateAll().spliterator(), false),
              e ->
                  e instanceof StorageException se
                      ? listFailure(se, prefix)
                      : new IOException("cannot list " + prefix + ": " + causeOf(e), e))
          .filter(b -> !b.getName().startsWith(UPLOADS_PREFIX))
          // A name that begins with a slash has no location of its own (one drops the slash): it
          // would be listed as the name without it, another object.
          .filter(b -> !b.getName().startsWith("/"))
          .map(b -> toInfo(new Location(prefix.scheme(), prefix.authority(), b.getName()), b));
    } catch (StorageException e) {
      throw listFailure(e, prefix);
    }
  }

  /**
   * A listing answered 404 has no object to miss: its bucket does not exist, whatever words the
   * server chose (fake-gcs-server's are not GCS's).
   */
  private IOException listFailure(StorageException e, Location prefix) {
    if (e.getCode() == 404) {
      return new FileNotFoundException(
          "cannot list "
              + prefix
              + " (endpoint "
              + endpoint
              + "): bucket '"
              + prefix.authority()
              + "' does not exist");
    }
    return translate(e, "list", prefix);
  }

  @Override
  public PartLimits partLimits() {
    return partLimits;
  }

  @Override
  public MultipartUpload startMultipart(
      Location location, long size, long partSize, ObjectMetadata metadata) throws IOException {
    return new ComposedUpload(location, UploadIds.newId(metadata));
  }

  @Override
  public MultipartUpload resumeMultipart(Location location, String uploadId) throws IOException {
    return new ComposedUpload(location, uploadId);
  }

  @Override
  public boolean canCopyServerSide(Location source, Location destination) {
    return source.scheme().equals("gs");
  }

  @Override
  public boolean copyServerSide(
      Location source, Location destination, long size, ObjectMetadata metadata)
      throws IOException {
    try {
      CopyWriter writer =
          once.copy(
              Storage.CopyRequest.newBuilder()
                  .setSource(id(source))
                  .setTarget(info(destination, metadata))
                  .build());
      // Large or cross-location rewrites take several calls: follow the token until done.
      while (!writer.isDone()) {
        writer.copyChunk();
      }
      rewrites.incrementAndGet();
      Long copied = writer.getResult().getSize();
      return copied != null && copied == size;
    } catch (StorageException e) {
      if (e.getCode() == 404) {
        // A source object, its bucket or the destination's: GCS's words do not always say which
        // (fake-gcs-server answers "Not Found" for all three), the source's presence does.
        throw exists(source)
            ? missingBucket("copy " + source + " to", destination)
            : new FileNotFoundException(
                "no object at "
                    + source
                    + " (endpoint "
                    + endpoint
                    + ") to copy to "
                    + destination);
      }
      throw translate(e, "copy " + source + " to", destination);
    }
  }

  @Override
  public Location presignRead(Location location, Duration expiry) throws IOException {
    try {
      URL url =
          storage.signUrl(
              BlobInfo.newBuilder(id(location)).build(),
              expiry.toSeconds(),
              TimeUnit.SECONDS,
              Storage.SignUrlOption.withV4Signature());
      return Location.parse(url.toString());
    } catch (IllegalStateException | IllegalArgumentException e) {
      throw new UnsupportedStoreOperationException(
          name(), "sign URLs without service-account credentials", location);
    }
  }

  @Override
  public void close() throws IOException {
    try (Storage retrying = storage;
        Storage single = once) {
      // both closed, the second even when the first fails
    } catch (Exception e) {
      throw new IOException("cannot close the GCS client", e);
    }
  }

  /** Parts as temporary objects; completing composes them and deletes them. */
  private final class ComposedUpload implements MultipartUpload {
    private final Location location;
    private final String uploadId;
    private final String partsPrefix;
    private final ObjectMetadata metadata;

    ComposedUpload(Location location, String uploadId) throws IOException {
      this.location = location;
      this.uploadId = uploadId;
      this.partsPrefix = UPLOADS_PREFIX + UploadIds.key(uploadId) + "/";
      this.metadata = UploadIds.metadata(uploadId);
    }

    private BlobId part(String name) {
      return BlobId.of(location.authority(), partsPrefix + name);
    }

    private ObjectMetadata partMetadata() {
      return new ObjectMetadata("", Map.of(PART_OF, location.path()));
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
      Location partLocation =
          new Location(
              "gs", location.authority(), partsPrefix + String.format("part-%05d", partNumber));
      write(partLocation, data, length, partMetadata());
      return new UploadedPart(partNumber, length, "");
    }

    @Override
    public void complete(List<UploadedPart> parts) throws IOException {
      var sorted = new ArrayList<>(parts);
      sorted.sort(Comparator.comparingInt(UploadedPart::partNumber));
      List<BlobId> sources =
          sorted.stream().map(p -> part(String.format("part-%05d", p.partNumber()))).toList();
      try {
        int level = 0;
        // Compose 32 at a time into intermediates until one call can build the final object.
        while (sources.size() > MAX_COMPOSE) {
          var next = new ArrayList<BlobId>();
          for (int i = 0; i < sources.size(); i += MAX_COMPOSE) {
            BlobId target = part(String.format("compose-%d-%05d", level, i / MAX_COMPOSE));
            storage.compose(
                Storage.ComposeRequest.newBuilder()
                    .addSource(
                        sources.subList(i, Math.min(sources.size(), i + MAX_COMPOSE)).stream()
                            .map(BlobId::getName)
                            .toList())
                    .setTarget(info(target, partMetadata()))
                    .build());
            next.add(target);
          }
          sources = next;
          level++;
        }
        storage.compose(
            Storage.ComposeRequest.newBuilder()
                .addSource(sources.stream().map(BlobId::getName).toList())
                .setTarget(info(location, metadata))
                .build());
      } catch (StorageException e) {
        IOException failure = translate(e, "compose the parts of", location);
        try {
          abort();
        } catch (IOException cleanup) {
          // The compose failure is what the caller must see; the parts left behind go with it.
          failure.addSuppressed(cleanup);
        }
        throw failure;
      }
      abort();
    }

    @Override
    public void abort() throws IOException {
      try {
        for (Blob b :
            storage
                .list(location.authority(), Storage.BlobListOption.prefix(partsPrefix))
                .iterateAll()) {
          storage.delete(b.getBlobId());
        }
      } catch (StorageException e) {
        throw translate(e, "remove the temporary parts of", location);
      }
    }
  }

  /**
   * Removes the temporary parts of uploads to objects under {@code root} whose parts were written
   * from {@code from} to {@code to}. They all live under {@value #UPLOADS_PREFIX} at the bucket's
   * root, beside those of exports to other roots: each part's metadata names its target. A part
   * that names none was not written by this store and is left.
   *
   * @return how many uploads had parts removed
   */
  @Override
  public long removeLeftovers(Location root, Instant from, Instant to, Predicate<Location> spared)
      throws IOException {
    String path = root.path();
    String base = path.isEmpty() || path.endsWith("/") ? path : path + "/";
    var uploads = new HashSet<String>();
    try {
      for (Blob part :
          storage
              .list(root.authority(), Storage.BlobListOption.prefix(UPLOADS_PREFIX))
              .iterateAll()) {
        String target = part.getMetadata() == null ? null : part.getMetadata().get(PART_OF);
        var created = part.getCreateTimeOffsetDateTime();
        if (target == null
            || !target.startsWith(base)
            || created == null
            || created.toInstant().isBefore(from)
            || created.toInstant().isAfter(to)
            || spared.test(new Location(root.scheme(), root.authority(), target))) {
          continue;
        }
        storage.delete(part.getBlobId());
        String upload = part.getName().substring(UPLOADS_PREFIX.length());
        uploads.add(upload.substring(0, Math.max(0, upload.indexOf('/'))));
      }
    } catch (StorageException e) {
      throw translate(e, "remove the unfinished uploads under", root);
    }
    return uploads.size();
  }

  /**
   * A delete's error as a failure to report, or none when the object was already gone, which is
   * what the delete wanted; a missing bucket is a failure.
   */
  Optional<DeleteFailure> deleteFailure(StorageException e, Location location) {
    if (e.getCode() == 404 && !isMissingBucket(e)) {
      return Optional.empty();
    }
    return Optional.of(new DeleteFailure(location, translate(e, "delete", location).getMessage()));
  }

  /**
   * GCS says which of the two a 404 is only in its message: "The specified bucket does not exist."
   * against "No such object: bucket/key", whose bucket name may well hold the word bucket.
   */
  private static boolean isMissingBucket(StorageException e) {
    return e.getCode() == 404
        && String.valueOf(e.getMessage())
            .toLowerCase(Locale.ROOT)
            .contains("bucket does not exist");
  }

  /** Whether {@code location} holds an object; a failure to tell counts as no. */
  private boolean exists(Location location) {
    try {
      return storage.get(id(location)) != null;
    } catch (StorageException e) {
      return false;
    }
  }

  private BucketNotFoundException missingBucket(String operation, Location location) {
    return new BucketNotFoundException(
        "cannot "
            + operation
            + " "
            + location
            + " (endpoint "
            + endpoint
            + "): bucket '"
            + location.authority()
            + "' does not exist");
  }

  private IOException translate(StorageException e, String operation, Location location) {
    String where = location + " (endpoint " + endpoint + ")";
    if (e.getCode() == 404) {
      return isMissingBucket(e)
          ? missingBucket(operation, location)
          : new FileNotFoundException("no object at " + where);
    }
    if (e.getCode() == 401 || e.getCode() == 403) {
      return new RequestRefusedException(
          "access denied to "
              + operation
              + " "
              + where
              + " ("
              + e.getCode()
              + "): check the credentials for bucket '"
              + location.authority()
              + "'");
    }
    if (e.getCode() == 0) {
      // No answer came: the client reports status 0 and no reason, the cause says why.
      return new IOException(
          "cannot "
              + operation
              + " "
              + where
              + ": "
              + ConnectionFailures.describe(e)
                  .orElse("no answer from the endpoint (" + Redaction.text(causeOf(e)) + ")"),
          e);
    }
    String message = "cannot " + operation + " " + where + ": " + e.getCode() + " " + e.getReason();
    return RequestRefusedException.isRefusal(e.getCode())
        ? new RequestRefusedException(message)
        : new IOException(message);
  }

  /** The innermost message of a failure, or its type when none has one. */
  private static String causeOf(Throwable e) {
    String message = null;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        message = t.getMessage();
      }
    }
    return message == null ? e.getClass().getSimpleName() : message;
  }
}
