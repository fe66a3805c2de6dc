package io.lakeexporter.copy;

import io.lakeexporter.source.ObjectEntry;
import io.lakeexporter.storage.ExactLengthInputStream;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.MultipartUpload;
import io.lakeexporter.storage.MultipartWritable;
import io.lakeexporter.storage.ObjectInfo;
import io.lakeexporter.storage.ObjectMetadata;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.PartLimits;
import io.lakeexporter.storage.PartRetry;
import io.lakeexporter.storage.RequestRefusedException;
import io.lakeexporter.storage.ServerSideCopyable;
import io.lakeexporter.storage.StoreCapability;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies one object by the cheapest correct way the destination allows: server-side when the store
 * can take the source as it is, parallel parts for large objects (read through {@link SpanCopy}'s
 * spans, one ranged read for a run of parts), one stream otherwise. Every copy is checked for size
 * afterwards; transient faults are retried; a failed copy leaves nothing at the destination (stores
 * write atomically, multipart uploads are aborted).
 */
public final class CopyEngine {
  private static final Logger LOG = LoggerFactory.getLogger(CopyEngine.class);

  private final ObjectStore destination;
  private final ExecutorService partPool;
  private final CopySettings settings;
  private final boolean writesVerified;
  private final AtomicInteger multipartCopies = new AtomicInteger();
  private final AtomicBoolean partSizeSaid = new AtomicBoolean();

  /**
   * Each part of a server-side copy in parts is retried on its own, under the same policy as a
   * whole copy: one throttled or lost part is copied again, not the object's every part.
   */
  private final PartRetry partRetry;

  /** The copies in parts under way, which {@link #cancel} stops. */
  private final Set<SpanCopy> inParts = ConcurrentHashMap.newKeySet();

  private volatile boolean cancelled;

  /**
   * @param destination the store written to
   * @param partPool runs the parts of large objects; not the pool that runs whole-object copies,
   *     which wait on their parts
   */
  public CopyEngine(ObjectStore destination, ExecutorService partPool, CopySettings settings) {
    this.destination = Objects.requireNonNull(destination, "destination is null");
    this.partPool = Objects.requireNonNull(partPool, "partPool is null");
    this.settings = Objects.requireNonNull(settings, "settings is null");
    this.writesVerified = destination.capabilities().contains(StoreCapability.VERIFIED_WRITES);
    this.partRetry = attempt -> settings.retry().run(attempt::run).value();
  }

  /**
   * lakeFS's S3 gateway keeps an object's user metadata under the header's whole name ({@code
   * X-Amz-Meta-owner}, and in older versions {@code X-Amz-Meta-Owner}), where its API keeps the
   * bare name: the gateway's readers see {@code owner}, and so must the export's.
   */
  private static final String GATEWAY_PREFIX = "x-amz-meta-";

  /**
   * The metadata a copy carries: the lakeFS content type and user metadata, and its checksum. A
   * name lakeFS's S3 gateway kept with its header prefix goes without it, unless the object also
   * has that bare name (then both stay as they are: neither is lost).
   */
  public static ObjectMetadata metadataOf(ObjectEntry entry) {
    var user = new HashMap<String, String>(entry.metadata().size() + 1);
    entry
        .metadata()
        .forEach(
            (name, value) -> {
              String bare = bareName(name);
              user.put(entry.metadata().containsKey(bare) ? name : bare, value);
            });
    if (!entry.checksum().isEmpty()) {
      user.put(ObjectMetadata.LAKEFS_CHECKSUM_KEY, entry.checksum());
    }
    return new ObjectMetadata(entry.contentType(), user);
  }

  /** {@code name} without the gateway's {@code X-Amz-Meta-} prefix, in any case; else itself. */
  private static String bareName(String name) {
    return name.length() > GATEWAY_PREFIX.length()
            && name.regionMatches(true, 0, GATEWAY_PREFIX, 0, GATEWAY_PREFIX.length())
        ? name.substring(GATEWAY_PREFIX.length())
        : name;
  }

  /**
   * {@link #metadataOf} {@code entry}, once {@code destination} is known to keep it as it is.
   *
   * @throws RequestRefusedException saying what of it the destination would not keep
   */
  public static ObjectMetadata metadataFor(ObjectEntry entry, ObjectStore destination)
      throws RequestRefusedException {
    ObjectMetadata metadata = metadataOf(entry);
    Optional<String> problem = destination.metadataProblem(metadata);
    if (problem.isPresent()) {
      throw new RequestRefusedException(
          "not copied: the destination would not keep its metadata as it is: " + problem.get());
    }
    return metadata;
  }

  /** Which way {@link #copy} will take for {@code source}. */
  public CopyStrategy strategyFor(CopySource source, Location target) {
    if (settings.serverSideCopy()
        && source.location().isPresent()
        && destination instanceof ServerSideCopyable copier
        && copier.canCopyServerSide(source.location().get(), target)) {
      return CopyStrategy.SERVER_SIDE;
    }
    if (source.entry().size() >= settings.multipartThreshold()
        && destination instanceof MultipartWritable) {
      return CopyStrategy.PARALLEL_PARTS;
    }
    return CopyStrategy.STREAM;
  }

  /**
   * Copies {@code source} to {@code target}.
   *
   * <p>With {@link CopySettings#skipIdentical}, an object the destination holds already is left as
   * it is ({@link CopyStrategy#ALREADY_THERE}, no bytes).
   *
   * @throws java.io.FileNotFoundException when the source object is missing
   * @throws IOException when the copy failed after its retries; nothing new is visible at {@code
   *     target}
   */
  public CopyResult copy(CopySource source, Location target) throws IOException {
    return copy(source, target, null);
  }

  /**
   * As {@link #copy(CopySource, Location)}, with what a listing of the destination showed at {@code
   * target} (null: not listed), which spares an export that skips identical objects the question to
   * the store.
   */
  public CopyResult copy(CopySource source, Location target, DestinationListing.Listed listed)
      throws IOException {
    long size = source.entry().size();
    if (settings.skipIdentical()) {
      var there =
          settings
              .retry()
              .run(() -> IdenticalObject.isAt(destination, target, source.entry(), listed));
      if (there.value()) {
        return new CopyResult(CopyStrategy.ALREADY_THERE, 0, there.attempts());
      }
    }
    ObjectMetadata metadata = metadataFor(source.entry(), destination);
    CopyStrategy strategy = strategyFor(source, target);
    // A server-side copy answers for itself; a write is checked unless the store proves it.
    boolean verified = writesVerified;
    int attempts;
    switch (strategy) {
      case SERVER_SIDE -> {
        if (((ServerSideCopyable) destination).copiesInRanges(size)) {
          requireEndAt(source, size);
        }
        var result =
            settings
                .retry()
                .run(
                    () ->
                        ((ServerSideCopyable) destination)
                            .copyServerSide(
                                source.location().get(), target, size, metadata, partRetry));
        verified = result.value();
        attempts = result.attempts();
      }
      case PARALLEL_PARTS -> attempts = copyInParts(source, target, size, metadata);
      default ->
          attempts =
              settings
                  .retry()
                  .run(
                      () -> {
                        if (cancelled) {
                          throw new InterruptedIOException(
                              "the export was interrupted before copying " + source.named());
                        }
                        // Read to its end, not for the recorded size: a source rewritten after
                        // lakeFS recorded it (an imported object) must fail here, not be cut to
                        // the recorded length and counted copied.
                        try (InputStream in =
                            new CancellableInputStream(
                                ExactLengthInputStream.endCheckedFirst(
                                    source.reader().open(0, -1), size, source.named()),
                                size,
                                () -> cancelled,
                                source.named())) {
                          destination.write(target, in, size, metadata);
                        } catch (IOException e) {
                          // A write fails its own way on a source that failed (a store's client
                          // may wrap it): once cancelled, the failure is the interrupt's, which
                          // is not tried again.
                          if (cancelled && !(e instanceof InterruptedIOException)) {
                            var stopped =
                                new InterruptedIOException(
                                    "the export was interrupted while copying " + source.named());
                            stopped.initCause(e);
                            throw stopped;
                          }
                          throw e;
                        }
                        return null;
                      })
                  .attempts();
    }
    if (!verified) {
      verifySize(target, size);
    }
    return new CopyResult(strategy, size, attempts);
  }

  /**
   * Fails when {@code source} does not end at {@code size}, the recorded size: a copy in ranges
   * takes the bytes each range names, so a source rewritten where it lies (an imported object)
   * would be cut short and counted copied when longer, and when shorter, on a store that stages a
   * short range as it comes (Azurite's Put Block From URL), come out short with a success. One read
   * from the recorded last byte, before anything is copied: it must find that byte and no other.
   */
  private void requireEndAt(CopySource source, long size) throws IOException {
    int found =
        settings
            .retry()
            .run(
                () -> {
                  try (InputStream rest = source.reader().open(size - 1, -1)) {
                    return rest.readNBytes(2).length;
                  }
                })
            .value();
    if (found == 0) {
      throw source.shorterThanRecorded();
    }
    if (found > 1) {
      throw source.longerThanRecorded();
    }
  }

  private int copyInParts(CopySource source, Location target, long size, ObjectMetadata metadata)
      throws IOException {
    MultipartWritable multipart = (MultipartWritable) destination;
    PartLimits limits = multipart.partLimits();
    long partSize = limits.partSizeFor(size, settings.partSize());
    if ((settings.partSize() < limits.minPartSize() || settings.partSize() > limits.maxPartSize())
        && partSizeSaid.compareAndSet(false, true)) {
      // Once: the option was taken, but not as given, and the layout at the destination shows it.
      LOG.warn(
          "part size {} bytes is outside the {} store's limits ({} to {} bytes): parts of {} bytes",
          settings.partSize(),
          destination.name(),
          limits.minPartSize(),
          limits.maxPartSize(),
          partSize);
    }
    // Counted before the upload starts: large objects listed together then share the pool from
    // their first split instead of the first one taking every thread.
    multipartCopies.incrementAndGet();
    try {
      if (cancelled) {
        throw new InterruptedIOException(
            "the export was interrupted before copying " + source.entry().path() + " in parts");
      }
      MultipartUpload upload =
          settings
              .retry()
              .run(() -> multipart.startMultipart(target, size, partSize, metadata))
              .value();
      var copy =
          new SpanCopy(
              source, upload, size, partSize, partPool, settings.retry(), this::mayAddSpan);
      inParts.add(copy);
      try {
        if (cancelled) {
          copy.cancel(); // cancelled before it was added, where cancel() did not see it
        }
        var written = copy.run();
        upload.complete(written.value());
        return written.attempts();
      } catch (IOException | RuntimeException | Error e) {
        // An Error too (a heap run out by the parts in flight): the upload must not outlive it.
        abortQuietly(upload, e);
        throw e;
      } finally {
        inParts.remove(copy);
      }
    } finally {
      multipartCopies.decrementAndGet();
    }
  }

  /**
   * Stops the copies under way and refuses new ones, for an export that was interrupted: a copy in
   * parts stops after the parts being written (or after {@link SpanCopy#STOP_WAIT_MILLIS}), aborts
   * its upload and fails; a whole copy fails at its source's next read, leaving nothing at its
   * target. On a slow link either would otherwise run for minutes to its end, past the grace a
   * signal leaves for the status file.
   */
  public void cancel() {
    cancelled = true;
    inParts.forEach(SpanCopy::cancel);
  }

  /**
   * Whether an object being copied in parts through {@code spans} ranged reads may add one: while
   * it has fewer than its share of the pool's threads (at least 2) and a thread is idle. 16 threads
   * writing one file contend for it (2 GiB into tmpfs: the writes' share of the CPU samples fell
   * from 46 % to 38 % with a share per object).
   */
  private boolean mayAddSpan(int spans) {
    if (!(partPool instanceof ThreadPoolExecutor pool)) {
      return true; // a pool whose threads are not known: a read per part, as many as it runs
    }
    int threads = pool.getMaximumPoolSize();
    int objects = Math.max(1, multipartCopies.get());
    int share = Math.max(2, threads / objects + (threads % objects == 0 ? 0 : 1));
    return spans < share && pool.getQueue().isEmpty() && pool.getActiveCount() < threads;
  }

  private static void abortQuietly(MultipartUpload upload, Throwable cause) {
    try {
      MultipartUpload.abortDespiteInterrupt(upload);
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not abort the multipart upload to {}", upload.location(), e);
      cause.addSuppressed(e);
    }
  }

  /** A copy is done only when the destination holds exactly the source's size. */
  private void verifySize(Location target, long size) throws IOException {
    ObjectInfo written = destination.stat(target);
    if (written.size() != size) {
      try {
        destination.delete(List.of(target));
      } catch (IOException e) {
        LOG.warn("could not remove the wrongly sized copy at {}", target, e);
      }
      throw new IOException(
          "size check failed for "
              + target
              + ": wrote "
              + written.size()
              + " bytes, expected "
              + size);
    }
  }
}
