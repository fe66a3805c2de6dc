package io.lakeexporter.storage.azure;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobInputStreamOptions;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.options.BlockBlobStageBlockFromUrlOptions;
import com.azure.storage.blob.sas.BlobSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import io.lakeexporter.storage.BucketNotFoundException;
import io.lakeexporter.storage.ConnectionFailures;
import io.lakeexporter.storage.EveryRequestRefusedException;
import io.lakeexporter.storage.ExactLengthInputStream;
import io.lakeexporter.storage.HeaderMetadata;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.MultipartUpload;
import io.lakeexporter.storage.MultipartWritable;
import io.lakeexporter.storage.ObjectInfo;
import io.lakeexporter.storage.ObjectMetadata;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.PagedListing;
import io.lakeexporter.storage.Parallel;
import io.lakeexporter.storage.PartLimits;
import io.lakeexporter.storage.PartRetry;
import io.lakeexporter.storage.Presignable;
import io.lakeexporter.storage.Redaction;
import io.lakeexporter.storage.RequestRefusedException;
import io.lakeexporter.storage.SequentialParts;
import io.lakeexporter.storage.ServerSideCopyable;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.storage.StoreCapability;
import io.lakeexporter.storage.UnsupportedStoreOperationException;
import io.lakeexporter.storage.UploadIds;
import io.lakeexporter.storage.UploadedPart;
import java.io.FileNotFoundException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Azure Blob Storage: block blobs in any account the settings reach (see {@link AzureAccounts}).
 *
 * <p>Small writes are one Put Blob, large ones staged blocks committed with a block list; nothing
 * is visible until the commit, and uncommitted blocks expire by themselves (Azure drops them after
 * a week), so a failed upload leaves no blob. Copies are server to server whenever the source can
 * be given to Azure as a URL: another Azure blob (with a SAS this store signs) or any HTTP(S) URL
 * such as an S3 or GCS presigned one, by Put Block From URL: one block up to {@code
 * azure.copy.block-threshold}, parallel ranges beyond it, committed like an upload.
 */
public final class AzureBlobStore
    implements ObjectStore, MultipartWritable, ServerSideCopyable, Presignable {

  /** Azure's block limits: up to 4000 MiB a block, 50,000 blocks. */
  static final PartLimits BLOCK_LIMITS = new PartLimits(1, 4000L << 20, 50_000);

  private static final Duration COPY_SAS_LIFETIME = Duration.ofHours(2);

  // The SAS permission each kind of request takes (Azure's letters).
  private static final char SAS_READ = 'r';
  private static final char SAS_WRITE = 'w';
  private static final char SAS_DELETE = 'd';
  private static final char SAS_LIST = 'l';

  private final StorageSettings settings;
  private final AzureAccounts accounts;
  private final long singleUploadThreshold;
  private final long blockSize;
  private final long copyBlockThreshold;
  private final long copyBlockSize;
  private final int listPageSize;
  private final boolean copyFromExternalUrls;
  private final ExecutorService copyPool;
  private final AtomicLong wholeCopies = new AtomicLong();
  private final AtomicLong blockCopies = new AtomicLong();

  /** The settings read here. */
  static final Set<String> KEYS =
      Set.of(
          "azure.upload.threshold",
          "azure.upload.block-size",
          "azure.copy.block-threshold",
          "azure.copy.block-size",
          "azure.list.page-size",
          "azure.copy.from-external-urls",
          "azure.copy.concurrency");

  AzureBlobStore(StorageSettings settings) {
    this.settings = settings;
    this.accounts = new AzureAccounts(settings);
    this.singleUploadThreshold = settings.getBytes("azure.upload.threshold", 32L << 20);
    this.blockSize = settings.getBytes("azure.upload.block-size", 16L << 20);
    this.copyBlockThreshold = settings.getBytes("azure.copy.block-threshold", 256L << 20);
    this.copyBlockSize = settings.getBytes("azure.copy.block-size", 100L << 20);
    this.listPageSize = settings.getInt("azure.list.page-size", 5000);
    this.copyFromExternalUrls = settings.getBoolean("azure.copy.from-external-urls", true);
    this.copyPool =
        Executors.newFixedThreadPool(
            settings.getInt("azure.copy.concurrency", 8),
            Parallel.daemonThreads("azure-block-copy"));
  }

  @Override
  public String name() {
    return "azure";
  }

  /**
   * Every form of a blob's name (https, abfs, wasb, an account's own endpoint) as {@code
   * azure://<account>/<container>/<blob>}: a name to compare, not an address to send requests to.
   */
  @Override
  public Location canonical(Location location) throws IOException {
    BlobRef ref = ref(location);
    return new Location("azure", ref.account(), ref.container() + "/" + ref.blob());
  }

  /** See {@link BlobNames}. */
  @Override
  public Optional<String> nameProblem(Location location) {
    return BlobRef.of(location, settings)
        .flatMap(
            ref ->
                BlobNames.containerProblem(ref.container())
                    .or(() -> BlobNames.problem(ref.blob())));
  }

  /**
   * Azure tells metadata names apart without their case and takes values as HTTP headers (see
   * {@link HeaderMetadata}); names are encoded as identifiers first ({@link MetadataKeys}).
   */
  @Override
  public Optional<String> metadataProblem(ObjectMetadata metadata) {
    return HeaderMetadata.problem(metadata, "Azure Blob Storage", false);
  }

  @Override
  public Set<StoreCapability> capabilities() {
    return Set.of(
        StoreCapability.WRITE,
        StoreCapability.DELETE,
        StoreCapability.LIST,
        StoreCapability.METADATA,
        // every Put Blob and Put Block declares its Content-Length; Azure refuses another length
        StoreCapability.VERIFIED_WRITES);
  }

  /** Copies staged as one block and copies staged in ranges: how copies travelled. */
  long[] serverSideCopyCounts() {
    return new long[] {wholeCopies.get(), blockCopies.get()};
  }

  BlobRef ref(Location location) throws IOException {
    return BlobRef.of(location, settings)
        .orElseThrow(() -> new IOException("not an Azure Blob location: " + location));
  }

  private BlobContainerClient container(BlobRef ref) {
    return accounts.container(ref.account(), ref.container());
  }

  private BlobClient blob(BlobRef ref) {
    return container(ref).getBlobClient(ref.blob());
  }

  /** The blob through a client that sends each request once: for requests the engine retries. */
  private BlobClient blobSentOnce(BlobRef ref) {
    return accounts.containerSendingOnce(ref.account(), ref.container()).getBlobClient(ref.blob());
  }

  @Override
  public ObjectInfo stat(Location location) throws IOException {
    BlobRef ref = ref(location);
    try {
      BlobProperties p = blob(ref).getProperties();
      return new ObjectInfo(
          location,
          p.getBlobSize(),
          p.getLastModified() == null ? Instant.EPOCH : p.getLastModified().toInstant(),
          p.getETag() == null ? "" : p.getETag().replace("\"", ""),
          new ObjectMetadata(
              p.getContentType() == null ? "" : p.getContentType(),
              MetadataKeys.decodeAll(p.getMetadata())),
          hex(p.getContentMd5()));
    } catch (BlobStorageException e) {
      throw translate(e, "stat", ref, SAS_READ);
    } catch (RuntimeException e) {
      throw unexpected(e, "stat", ref);
    }
  }

  @Override
  public InputStream read(Location location, long offset, long length) throws IOException {
    BlobRef ref = ref(location);
    if (length == 0) {
      stat(location);
      return InputStream.nullInputStream();
    }
    try {
      var options =
          new BlobInputStreamOptions()
              .setRange(length < 0 ? new BlobRange(offset) : new BlobRange(offset, length))
              .setBlockSize(4 << 20);
      InputStream in = blob(ref).openInputStream(options, Context.NONE);
      return new FilterInputStream(in) {
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          try {
            return super.read(b, off, len);
          } catch (RuntimeException e) {
            throw unexpected(e, "read", ref);
          }
        }
      };
    } catch (BlobStorageException e) {
      if (e.getStatusCode() == 416) {
        stat(location);
        return InputStream.nullInputStream();
      }
      throw translate(e, "read", ref, SAS_READ);
    } catch (RuntimeException e) {
      throw unexpected(e, "read", ref);
    }
  }

  @Override
  public void write(Location location, InputStream data, long size, ObjectMetadata metadata)
      throws IOException {
    BlobRef ref = ref(location);
    if (size <= singleUploadThreshold) {
      var exact = new ExactLengthInputStream(data, size, location.toString());
      try {
        blobSentOnce(ref)
            .getBlockBlobClient()
            .uploadWithResponse(
                new BlockBlobSimpleUploadOptions(BinaryData.fromStream(exact, size))
                    .setHeaders(headers(metadata))
                    .setMetadata(MetadataKeys.encodeAll(metadata.userMetadata())),
                null,
                Context.NONE);
        if (exact.read() >= 0) {
          throw new IOException(location + ": the source holds more than " + size + " bytes");
        }
      } catch (BlobStorageException e) {
        throw translate(e, "write", ref, SAS_WRITE);
      } catch (UncheckedIOException e) {
        throw e.getCause();
      } catch (RuntimeException e) {
        throw unexpected(e, "write", ref);
      }
      return;
    }
    SequentialParts.write(
        this, location, data, size, BLOCK_LIMITS.partSizeFor(size, blockSize), metadata);
  }

  @Override
  public List<DeleteFailure> delete(Collection<Location> locations) throws IOException {
    var failures = new ArrayList<DeleteFailure>();
    for (Location l : locations) {
      BlobRef ref = ref(l);
      try {
        blob(ref).deleteIfExists();
      } catch (BlobStorageException e) {
        if (e.getStatusCode() == 403) {
          failures.add(
              new DeleteFailure(
                  l, e.getErrorCode() + " (403): " + whyRefused(ref.account(), SAS_DELETE)));
        } else if (e.getStatusCode() != 404) {
          failures.add(new DeleteFailure(l, e.getErrorCode() + " (" + e.getStatusCode() + ")"));
        }
      } catch (RuntimeException e) {
        failures.add(new DeleteFailure(l, String.valueOf(e.getMessage())));
      }
    }
    return failures;
  }

  @Override
  public Stream<ObjectInfo> list(Location prefix) throws IOException {
    BlobRef ref = ref(prefix);
    String path = prefix.path();
    // What comes before a blob's name in this location's path; a container given without its
    // closing slash still ends with one there.
    String base =
        ref.blob().isEmpty()
            ? (path.isEmpty() || path.endsWith("/") ? path : path + "/")
            : path.substring(0, path.length() - ref.blob().length());
    try {
      Stream<BlobItem> items =
          container(ref)
              .listBlobs(
                  new ListBlobsOptions()
                      .setPrefix(ref.blob().isEmpty() ? null : ref.blob())
                      .setMaxResultsPerPage(listPageSize)
                      // The lakeFS checksum an export recorded: a re-run that skips identical
                      // blobs finds it here instead of asking each blob for its properties.
                      .setDetails(new BlobListDetails().setRetrieveMetadata(true)),
                  null)
              .stream();
      return PagedListing.translated(
              items,
              e ->
                  e instanceof BlobStorageException b
                      ? translate(b, "list", ref, SAS_LIST)
                      : unexpected(e, "list", ref))
          .filter(item -> !Boolean.TRUE.equals(item.isPrefix()))
          // A name that begins with a slash, at a container's root, has no location of its own
          // (one drops the slash): it would be listed as the name without it, another blob.
          .filter(item -> !(base + item.getName()).startsWith("/"))
          .map(item -> info(prefix, base, item));
    } catch (BlobStorageException e) {
      throw translate(e, "list", ref, SAS_LIST);
    } catch (RuntimeException e) {
      // The SDK asks for the first page here, and a connection that broke off comes back as its
      // own RuntimeException around the socket's failure.
      throw unexpected(e, "list", ref);
    }
  }

  private static ObjectInfo info(Location prefix, String base, BlobItem item) {
    var p = item.getProperties();
    return new ObjectInfo(
        new Location(prefix.scheme(), prefix.authority(), base + item.getName()),
        p.getContentLength() == null ? 0 : p.getContentLength(),
        p.getLastModified() == null ? Instant.EPOCH : p.getLastModified().toInstant(),
        p.getETag() == null ? "" : p.getETag().replace("\"", ""),
        new ObjectMetadata(
            p.getContentType() == null ? "" : p.getContentType(),
            MetadataKeys.decodeAll(item.getMetadata())),
        hex(p.getContentMd5()));
  }

  /** A blob's Content-MD5 in hex, or empty when it has none. */
  private static String hex(byte[] md5) {
    return md5 == null || md5.length == 0 ? "" : HexFormat.of().formatHex(md5);
  }

  @Override
  public PartLimits partLimits() {
    return BLOCK_LIMITS;
  }

  @Override
  public MultipartUpload startMultipart(
      Location location, long size, long partSize, ObjectMetadata metadata) throws IOException {
    ref(location);
    return new BlockUpload(location, UploadIds.newId(metadata));
  }

  @Override
  public MultipartUpload resumeMultipart(Location location, String uploadId) throws IOException {
    ref(location);
    return new BlockUpload(location, uploadId);
  }

  @Override
  public boolean canCopyServerSide(Location source, Location destination) {
    if (BlobRef.of(source, settings).isPresent()) {
      // Azure reads another blob by URL only with a SAS, which needs that account's key.
      return accounts.sharedKey(BlobRef.of(source, settings).get().account()).isPresent();
    }
    return copyFromExternalUrls
        && (source.scheme().equals("https") || source.scheme().equals("http"));
  }

  /** Beyond {@code azure.copy.block-threshold}: Put Block From URL, range by range. */
  @Override
  public boolean copiesInRanges(long size) {
    return size > copyBlockThreshold;
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
    ref(destination);
    String url = sourceUrl(source);
    if (size <= copyBlockThreshold) {
      // One block read whole from the URL, then committed with the type and metadata: the blob
      // appears complete or not at all (Copy Blob From URL takes no content type, so it needed a
      // second request that could fail after the bytes were there).
      BlockUpload upload = new BlockUpload(destination, UploadIds.newId(metadata));
      upload.complete(
          size == 0 ? List.of() : List.of(upload.stageFromUrl(1, source, url, null, size)));
      wholeCopies.incrementAndGet();
      // The block took the source whole, whatever its length: the caller checks it.
      return false;
    }
    long block = BLOCK_LIMITS.partSizeFor(size, copyBlockSize);
    BlockUpload upload = new BlockUpload(destination, UploadIds.newId(metadata));
    var stages = new ArrayList<Callable<UploadedPart>>();
    int number = 1;
    for (long offset = 0; offset < size; offset += block, number++) {
      int n = number;
      var range = new BlobRange(offset, Math.min(block, size - offset));
      stages.add(
          () -> parts.run(() -> upload.stageFromUrl(n, source, url, range, range.getCount())));
    }
    // Blocks staged after a failure stay uncommitted and expire: nothing to wait for.
    upload.complete(Parallel.allOrFirstFailure(copyPool, stages, Duration.ZERO));
    blockCopies.incrementAndGet();
    // Each block staged an explicit range, refused past the source's end: size bytes in all.
    return true;
  }

  /** A URL Azure can read the source from: a SAS URL for a blob, a presigned URL as it is. */
  private String sourceUrl(Location source) throws IOException {
    if (BlobRef.of(source, settings).isPresent()) {
      return presignRead(source, COPY_SAS_LIFETIME).toUnredactedString();
    }
    return source.toUnredactedString();
  }

  @Override
  public Location presignRead(Location location, Duration expiry) throws IOException {
    BlobRef ref = ref(location);
    if (accounts.sharedKey(ref.account()).isEmpty()) {
      throw new UnsupportedStoreOperationException(
          name(), "sign a SAS URL without the account key of '" + ref.account() + "'", location);
    }
    var values =
        new BlobServiceSasSignatureValues(
            OffsetDateTime.now().plus(expiry), new BlobSasPermission().setReadPermission(true));
    BlobClient client = blob(ref);
    String sas = client.generateSas(values);
    return Location.parse(client.getBlobUrl() + "?" + sas);
  }

  @Override
  public void close() {
    copyPool.shutdownNow();
  }

  /**
   * Staged blocks of one blob. The upload id ({@link UploadIds}) carries a random block-id prefix
   * and the metadata the commit will set, so any worker can resume from the id alone.
   */
  private final class BlockUpload implements MultipartUpload {
    private final Location location;
    private final String uploadId;
    private final String prefix;
    private final ObjectMetadata metadata;

    BlockUpload(Location location, String uploadId) throws IOException {
      this.location = location;
      this.uploadId = uploadId;
      this.prefix = UploadIds.key(uploadId);
      this.metadata = UploadIds.metadata(uploadId);
    }

    /** Block ids must all have the same length within a blob. */
    private String blockId(int partNumber) {
      return Base64.getEncoder()
          .encodeToString(
              (prefix + String.format("%06d", partNumber)).getBytes(StandardCharsets.US_ASCII));
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
      BlobRef ref = ref(location);
      var exact = new ExactLengthInputStream(data, length, location + " block " + partNumber);
      try {
        blobSentOnce(ref)
            .getBlockBlobClient()
            .stageBlock(blockId(partNumber), BinaryData.fromStream(exact, length));
        return new UploadedPart(partNumber, length, blockId(partNumber));
      } catch (BlobStorageException e) {
        throw translate(e, "stage block " + partNumber + " of", ref, SAS_WRITE);
      } catch (UncheckedIOException e) {
        throw e.getCause();
      } catch (RuntimeException e) {
        throw unexpected(e, "stage block " + partNumber + " of", ref);
      }
    }

    /**
     * Stages a block read from {@code url}, the URL Azure reads {@code source} from: the given
     * range of it, or all of it when null.
     */
    UploadedPart stageFromUrl(
        int partNumber, Location source, String url, BlobRange range, long length)
        throws IOException {
      BlobRef ref = ref(location);
      try {
        blobSentOnce(ref)
            .getBlockBlobClient()
            .stageBlockFromUrlWithResponse(
                new BlockBlobStageBlockFromUrlOptions(blockId(partNumber), url)
                    .setSourceRange(range),
                null,
                Context.NONE);
        return new UploadedPart(partNumber, length, blockId(partNumber));
      } catch (BlobStorageException e) {
        if (e.getErrorCode() != null
            && "CannotVerifyCopySource".equals(e.getErrorCode().toString())) {
          throw sourceUnread(e, source, "copy block " + partNumber + " into", ref);
        }
        throw translate(e, "copy block " + partNumber + " into", ref, SAS_WRITE);
      } catch (RuntimeException e) {
        throw unexpected(e, "copy block " + partNumber + " into", ref);
      }
    }

    @Override
    public void complete(List<UploadedPart> parts) throws IOException {
      BlobRef ref = ref(location);
      var sorted = new ArrayList<>(parts);
      sorted.sort(Comparator.comparingInt(UploadedPart::partNumber));
      try {
        blob(ref)
            .getBlockBlobClient()
            .commitBlockListWithResponse(
                new BlockBlobCommitBlockListOptions(
                        sorted.stream().map(p -> blockId(p.partNumber())).toList())
                    .setHeaders(headers(metadata))
                    .setMetadata(MetadataKeys.encodeAll(metadata.userMetadata())),
                null,
                Context.NONE);
      } catch (BlobStorageException e) {
        throw translate(e, "commit the blocks of", ref, SAS_WRITE);
      } catch (RuntimeException e) {
        throw unexpected(e, "commit the blocks of", ref);
      }
    }

    /** Uncommitted blocks are never visible and Azure discards them: nothing to undo. */
    @Override
    public void abort() {}
  }

  private static BlobHttpHeaders headers(ObjectMetadata metadata) {
    return new BlobHttpHeaders()
        .setContentType(
            metadata.contentType().isEmpty() ? "application/octet-stream" : metadata.contentType());
  }

  /**
   * Names account, container and blob; the SDK's message may hold a URL with a SAS, so not it.
   *
   * @param needs the SAS permission the request takes, to say so when a SAS lacks it
   */
  /**
   * Azure's answers that refuse the credentials themselves, not a permission they lack: a key or
   * SAS signature that does not match (or a SAS expired), a token it does not take, none at all.
   */
  private static final Set<String> CREDENTIAL_CODES =
      Set.of("AuthenticationFailed", "InvalidAuthenticationInfo", "NoAuthenticationInformation");

  private IOException translate(BlobStorageException e, String operation, BlobRef ref, char needs) {
    int status = e.getStatusCode();
    String code = e.getErrorCode() == null ? "" : e.getErrorCode().toString();
    String where = "blob " + ref + " (endpoint " + shownEndpoint(ref) + ")";
    if ("ContainerNotFound".equals(code)) {
      return new BucketNotFoundException(
          "cannot "
              + operation
              + " "
              + where
              + ": container '"
              + ref.container()
              + "' does not exist in account '"
              + ref.account()
              + "'");
    }
    if (status == 404) {
      return new FileNotFoundException("no object at " + where);
    }
    if (status == 403 || status == 401) {
      String message =
          "access denied to "
              + operation
              + " "
              + where
              + " ("
              + status
              + " "
              + code
              + "): "
              + whyRefused(ref.account(), needs);
      // An account key may do anything in its account: refused, it does not match (Azurite says
      // AuthorizationFailure for that), or the account's firewall keeps this host out.
      boolean everyRequest =
          CREDENTIAL_CODES.contains(code)
              || ("AuthorizationFailure".equals(code)
                  && accounts.signsWithAccountKey(ref.account()));
      return everyRequest
          ? new EveryRequestRefusedException(message)
          : new RequestRefusedException(message);
    }
    String message = "cannot " + operation + " " + where + ": " + status + " " + code;
    return RequestRefusedException.isRefusal(status)
        ? new RequestRefusedException(message)
        : new IOException(message);
  }

  /**
   * Azure's answer when it could not read a copy's source ({@code CannotVerifyCopySource}): about
   * the source and its credentials, not the blob being written, whose own are fine.
   */
  private IOException sourceUnread(
      BlobStorageException e, Location source, String operation, BlobRef target) {
    int status = e.getStatusCode();
    String what =
        "Azure could not read "
            + source
            + " to "
            + operation
            + " blob "
            + target
            + " ("
            + status
            + " CannotVerifyCopySource)";
    Optional<BlobRef> blob = BlobRef.of(source, settings);
    if (status == 404) {
      // Azure says the same of a source it cannot reach (a firewall or private endpoint before
      // the source's account, another cloud or emulator): asked here, the blob may well be there.
      if (blob.isPresent() && sourceIsThere(source)) {
        return new RequestRefusedException(
            what
                + ", though the source is there: Azure cannot reach it from the destination's"
                + " account; --no-server-side-copy copies it through this process");
      }
      return new FileNotFoundException("no object at " + source + ": " + what);
    }
    String why =
        blob.isPresent()
            ? "it read with a SAS signed by the account key of '"
                + blob.get().account()
                + "': check that key"
            : "its URL may have expired, or its store refuses Azure";
    return status == 401 || status == 403
        ? new RequestRefusedException(what + ": " + why)
        : new IOException(what);
  }

  /** Whether this process finds {@code source}; false when it cannot tell either. */
  private boolean sourceIsThere(Location source) {
    try {
      stat(source);
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Why Azure may have refused a request of {@code account} that takes the SAS permission {@code
   * needs}: Azure's answer names neither an expiry nor a permission, but the token in use does.
   */
  private String whyRefused(String account, char needs) {
    Optional<SasToken> sas = accounts.sas(account);
    if (sas.isEmpty()) {
      return accounts.signsWithAccountKey(account)
          ? "check the key of account '"
              + account
              + "' (an account key may do anything there: refused, it does not match, or the"
              + " account's firewall keeps this host out)"
          : "check the credentials of account '" + account + "'";
    }
    String token = "the SAS token of account '" + account + "'";
    if (sas.get().expiredAt(Instant.now())) {
      return token + " expired at " + sas.get().expiry().orElseThrow() + "; make a new one";
    }
    // Create ('c') writes a blob that does not exist yet, as an export's writes mostly do.
    if (!sas.get().allows(needs) && !(needs == SAS_WRITE && sas.get().allows('c'))) {
      return token
          + " does not allow it: its permissions are '"
          + sas.get().permissions()
          + "', and this takes '"
          + needs
          + "'";
    }
    if (!sas.get().servesBlobs()) {
      return token
          + " does not allow it: its services are '"
          + sas.get().services()
          + "', and blobs take 'b'";
    }
    // A listing reads the container; every other request here, one blob.
    char resourceType = needs == SAS_LIST ? 'c' : 'o';
    if (!sas.get().reaches(resourceType)) {
      return token
          + " does not allow it: its resource types are '"
          + sas.get().resourceTypes()
          + "', and this takes '"
          + resourceType
          + (resourceType == 'c' ? "' (containers)" : "' (objects)");
    }
    return "check " + token + sas.get().usedFrom() + " and the container's access policy";
  }

  private IOException unexpected(RuntimeException e, String operation, BlobRef ref) {
    if (e instanceof ClientAuthenticationException) {
      return noCredential(e, operation, ref);
    }
    if (e instanceof IllegalArgumentException) {
      // The SDK checks a request before it sends it: sending it again cannot change its answer.
      return new RequestRefusedException(
          "cannot "
              + operation
              + " blob "
              + ref
              + ": the Azure SDK refused the request: "
              + redact(String.valueOf(e.getMessage())));
    }
    Throwable cause = e;
    while (cause.getCause() != null && !(cause instanceof IOException)) {
      cause = cause.getCause();
    }
    String what =
        ConnectionFailures.describe(e).isPresent()
            ? ConnectionFailures.describe(e).get()
            : cause instanceof IOException io
                ? io.getClass().getSimpleName()
                    + (io.getMessage() == null ? "" : ": " + redact(io.getMessage()))
                : e.getClass().getSimpleName();
    return new IOException(
        "cannot " + operation + " blob " + ref + " (endpoint " + shownEndpoint(ref) + "): " + what,
        cause instanceof IOException ? cause : e);
  }

  /**
   * No token from the credential chain (no key, SAS or connection string was set for the account):
   * each attempt would run the whole chain again, so it is a refusal, and it says where a
   * credential goes. Of the SDK's message, the first line: the rest lists each credential tried.
   */
  private EveryRequestRefusedException noCredential(
      RuntimeException e, String operation, BlobRef ref) {
    String sdk = e.getMessage() == null ? "" : e.getMessage().strip();
    int end = sdk.indexOf('\n');
    sdk = end < 0 ? sdk : sdk.substring(0, end).strip();
    int inner = sdk.indexOf(" ---> ");
    sdk = inner < 0 ? sdk : sdk.substring(0, inner);
    String account = ref.account();
    return new EveryRequestRefusedException(
        "cannot "
            + operation
            + " blob "
            + ref
            + " (endpoint "
            + shownEndpoint(ref)
            + "): no credential for account '"
            + account
            + "'"
            + (sdk.isEmpty() ? "" : " (" + redact(sdk) + ")")
            + "; set azure.account."
            + account
            + ".key, azure.account."
            + account
            + ".sas or azure.account."
            + account
            + ".connection-string, or sign in where DefaultAzureCredential looks (AZURE_*"
            + " environment variables, a managed identity, az login)");
  }

  /** A message may quote a URL; its query may be a SAS, its user info a password. */
  static String redact(String message) {
    return Redaction.text(message);
  }

  /** The account's endpoint as messages show it: without the password of a user info. */
  private String shownEndpoint(BlobRef ref) {
    return Redaction.url(accounts.endpoint(ref.account()));
  }
}
