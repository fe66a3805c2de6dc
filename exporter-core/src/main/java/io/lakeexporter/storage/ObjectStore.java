package io.lakeexporter.storage;

import java.io.Closeable;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The minimal surface every backend offers. One instance serves every bucket or container its
 * credentials reach, and is safe for concurrent use.
 *
 * <p>Optional abilities are separate interfaces a store may also implement: {@link
 * MultipartWritable} (parts written by several workers) and {@link ServerSideCopyable}. Callers ask
 * with {@code instanceof}.
 *
 * <p>Errors: {@link FileNotFoundException} for a missing object, {@link BucketNotFoundException}
 * for a missing bucket or container, {@link RequestRefusedException} for a request refused for good
 * (never retried), {@link UnsupportedStoreOperationException} for an operation the store lacks, any
 * other {@link IOException} for faults that may be transient.
 */
public interface ObjectStore extends Closeable {

  /** A short name for messages, such as {@code s3} or {@code local}. */
  String name();

  /** What this store can do; reading and stat are always possible. */
  Set<StoreCapability> capabilities();

  /**
   * Size, time, etag and metadata of one object.
   *
   * @throws FileNotFoundException when there is no object at {@code location}
   */
  ObjectInfo stat(Location location) throws IOException;

  /**
   * Opens {@code length} bytes starting at {@code offset}; a negative length reads to the end. The
   * caller closes the stream.
   *
   * @throws FileNotFoundException when there is no object at {@code location}
   */
  InputStream read(Location location, long offset, long length) throws IOException;

  /**
   * Writes a whole object of exactly {@code size} bytes. Readers see either the previous object or
   * the whole new one, never part of it; when this throws, nothing new is visible.
   *
   * <p>A {@code data} stream that ends before {@code size} bytes, or holds more than {@code size},
   * must make this throw (an {@link IOException}) and leave nothing new: a source that changed or
   * broke off is never exported as an object of another size. Reading through {@link
   * ExactLengthInputStream} does it; the contract suite checks both.
   *
   * @throws UnsupportedStoreOperationException when the store lacks {@link StoreCapability#WRITE}
   */
  void write(Location location, InputStream data, long size, ObjectMetadata metadata)
      throws IOException;

  /**
   * Deletes objects; a location with no object is not a failure. At most {@link #maxDeleteBatch()}
   * locations per call.
   *
   * @return the locations that could not be deleted, with the reason
   */
  List<DeleteFailure> delete(Collection<Location> locations) throws IOException;

  /**
   * Removes the directories below {@code root} that deleting {@code deleted} left empty, deepest
   * first; never {@code root} itself, nor a directory that holds anything. Object stores have no
   * directories, so they have nothing to do. A filesystem must not keep them: readers that find
   * partitions by directory (Spark, Hive) would read an emptied {@code date=...} directory as an
   * empty partition that the exported commit does not have.
   */
  default void removeEmptyDirectories(Collection<Location> deleted, Location root)
      throws IOException {}

  /**
   * {@code location} in the one spelling this store gives every name of the same object or prefix
   * ({@code s3a://b/k} and {@code s3://b/k}; an Azure blob's https, abfs and wasb forms; a lakeFS
   * {@code local://} address and its file), so that two locations can be told apart or found to
   * overlap. The default is the location as written.
   *
   * @throws IOException when this store cannot serve {@code location}
   */
  default Location canonical(Location location) throws IOException {
    return location;
  }

  /**
   * Why this store would not keep an object under the name {@code location} gives it, or empty when
   * it would. A service that refuses a name says so only once a request is sent; one that keeps it
   * under another name (Azure drops the dots that end a path segment and reads {@code \} as {@code
   * /}) puts the object where another one's copy is, without a word. Exports ask before they write
   * or delete at a location and refuse the key by name. The default finds nothing.
   */
  default Optional<String> nameProblem(Location location) {
    return Optional.empty();
  }

  /**
   * Why this store would not keep {@code metadata} as it is given, or empty when it would: a
   * service that does not tell metadata names apart by case keeps one of two such names, and one
   * that carries metadata in HTTP headers trims or garbles some values (see {@link
   * HeaderMetadata}). Copies ask before they write and fail the object by name rather than lose
   * part of its metadata. The default finds nothing.
   */
  default Optional<String> metadataProblem(ObjectMetadata metadata) {
    return Optional.empty();
  }

  /**
   * Fails with a {@link FileNotFoundException} (this project's stores: a {@link
   * BucketNotFoundException}) naming it when the bucket or container of {@code location} does not
   * exist; returns when it exists, and also when this call cannot tell (a key that may write but
   * not list, a store without listings). The default reads the first page of a listing under {@code
   * location}.
   *
   * @throws IOException when the store could not be asked
   */
  default void requireBucket(Location location) throws IOException {
    if (!capabilities().contains(StoreCapability.LIST)) {
      return;
    }
    try (Stream<ObjectInfo> objects = list(location)) {
      objects.findFirst();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** How many locations one {@link #delete} call takes. */
  default int maxDeleteBatch() {
    return 1000;
  }

  /**
   * Every object whose key starts with {@code prefix}'s path, in key order, fetched page by page as
   * the stream is consumed. Close the stream. Failures while paging surface as {@link
   * java.io.UncheckedIOException}. An object whose key a {@link Location} cannot name (one that
   * begins with {@code /}, which a location drops) is left out: listed, it would stand for the
   * object without the slash.
   */
  Stream<ObjectInfo> list(Location prefix) throws IOException;

  /**
   * One location that could not be deleted.
   *
   * @param location the object: a {@link Location} equal to the one passed to {@link #delete}, by
   *     which the caller matches the failure to its action
   * @param reason the store's message
   */
  record DeleteFailure(Location location, String reason) {}
}
