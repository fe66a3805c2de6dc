package io.lakeexporter.storage.local;

import io.lakeexporter.storage.BoundedInputStream;
import io.lakeexporter.storage.KeyOrder;
import io.lakeexporter.storage.LeftoverRemovable;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.MultipartUpload;
import io.lakeexporter.storage.MultipartWritable;
import io.lakeexporter.storage.ObjectInfo;
import io.lakeexporter.storage.ObjectMetadata;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.PartLimits;
import io.lakeexporter.storage.RequestRefusedException;
import io.lakeexporter.storage.ServerSideCopyable;
import io.lakeexporter.storage.StoreCapability;
import io.lakeexporter.storage.UploadedPart;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Objects as files: {@code file:} locations, and lakeFS {@code local://} physical addresses
 * resolved under the lakeFS local blockstore directory.
 *
 * <p>Every write lands in a hidden temporary file in the target directory and is renamed into
 * place, so no reader ever sees half a file. Files carry no content type or user metadata, so this
 * store lacks {@link StoreCapability#METADATA}.
 *
 * <p>A durable store also forces each file's bytes to the disk before the rename and the directory
 * after it, so that what a write returned from survives a power loss or a kernel crash: without it
 * a rename can reach the disk before the bytes do, and the final name, a status file's included,
 * hold an empty or partial file afterwards. It costs a disk flush per file, which is why it is a
 * choice ({@value LocalStorageProvider#FSYNC_KEY}), off by default as in {@code cp}, rsync and
 * rclone.
 */
public final class LocalFileStore
    implements ObjectStore, MultipartWritable, ServerSideCopyable, LeftoverRemovable {

  /** Temporary files start with this; listings skip them. */
  static final String TEMP_PREFIX = ".lakefs-export-";

  private static final PartLimits PART_LIMITS = new PartLimits(1, 5L << 30, 10_000);

  private final Path localBlockstoreRoot;
  private final boolean durable;

  /**
   * @param localBlockstoreRoot the directory lakeFS {@code local://} addresses are relative to
   */
  public LocalFileStore(Path localBlockstoreRoot) {
    this(localBlockstoreRoot, false);
  }

  /**
   * @param localBlockstoreRoot the directory lakeFS {@code local://} addresses are relative to
   * @param durable whether every file and its directory are forced to the disk as it is written
   */
  public LocalFileStore(Path localBlockstoreRoot, boolean durable) {
    this.localBlockstoreRoot =
        Objects.requireNonNull(localBlockstoreRoot, "localBlockstoreRoot is null")
            .toAbsolutePath()
            .normalize();
    this.durable = durable;
  }

  /** Whether writes are forced to the disk before they return. */
  public boolean durable() {
    return durable;
  }

  @Override
  public String name() {
    return "local";
  }

  /**
   * A lakeFS {@code local://} address as the file it names under the blockstore directory; none
   * while that directory does not exist, which is then not lakeFS's (the setting is missing or
   * wrong), and the address could be anywhere.
   */
  @Override
  public Location canonical(Location location) throws IOException {
    if (location.scheme().equals("local") && !Files.isDirectory(localBlockstoreRoot)) {
      throw new IOException(
          "the lakeFS local blockstore directory "
              + localBlockstoreRoot
              + " does not exist: set "
              + LocalStorageProvider.BLOCKSTORE_PATH_KEY
              + " to lakeFS's blockstore.local.path");
    }
    return Location.ofPath(pathOf(location));
  }

  @Override
  public Set<StoreCapability> capabilities() {
    // Bytes are counted before a file is moved into place, and every part checks its length.
    return Set.of(
        StoreCapability.WRITE,
        StoreCapability.DELETE,
        StoreCapability.LIST,
        StoreCapability.SORTED_LISTING,
        StoreCapability.VERIFIED_WRITES);
  }

  /**
   * Removes the temporary files under {@code root} (a whole copy's, or a copy in parts', named for
   * the exporter) last written from {@code from} to {@code to}.
   */
  @Override
  public long removeLeftovers(Location root, Instant from, Instant to, Predicate<Location> spared)
      throws IOException {
    Path dir = pathOf(root);
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    long removed = 0;
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Iterator<Path> it = walk.iterator(); it.hasNext(); ) {
        Path p = it.next();
        if (!p.getFileName().toString().startsWith(TEMP_PREFIX) || !Files.isRegularFile(p)) {
          continue;
        }
        Instant written = Files.getLastModifiedTime(p).toInstant();
        if (written.isBefore(from) || written.isAfter(to) || spared.test(Location.ofPath(p))) {
          continue;
        }
        removed += Files.deleteIfExists(p) ? 1 : 0;
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return removed;
  }

  /**
   * The file behind a location. Refuses {@code ..} segments: a key must never reach outside the
   * directory it is written under; nor may a lakeFS {@code local://} address reach outside the
   * blockstore directory, whatever slashes it starts with.
   */
  Path pathOf(Location location) throws IOException {
    String path = location.path();
    for (String segment : path.split("/", -1)) {
      if (segment.equals("..")) {
        throw new IOException("refusing a path with '..' segments: " + location);
      }
    }
    return switch (location.scheme()) {
      case "file" -> Path.of("/" + path);
      case "local" -> {
        String relative = location.authority().isEmpty() ? path : location.authority() + "/" + path;
        Path file = localBlockstoreRoot.resolve(relative).normalize();
        if (relative.startsWith("/") || !file.startsWith(localBlockstoreRoot)) {
          throw new IOException(
              "refusing " + location + ": it is not under the blockstore " + localBlockstoreRoot);
        }
        yield file;
      }
      default -> throw new IOException("local store cannot serve " + location);
    };
  }

  @Override
  public ObjectInfo stat(Location location) throws IOException {
    Path file = pathOf(location);
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw notFound(location);
    }
    if (!attrs.isRegularFile()) {
      throw notFound(location);
    }
    return new ObjectInfo(
        location, attrs.size(), attrs.lastModifiedTime().toInstant(), "", ObjectMetadata.EMPTY);
  }

  @Override
  public InputStream read(Location location, long offset, long length) throws IOException {
    if (offset < 0) {
      throw new IllegalArgumentException("offset is negative: " + offset);
    }
    Path file = pathOf(location);
    FileChannel channel;
    try {
      if (Files.isDirectory(file)) {
        throw notFound(location);
      }
      channel = FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw notFound(location);
    }
    try {
      channel.position(offset);
      InputStream in = Channels.newInputStream(channel);
      return length < 0 ? in : new BoundedInputStream(in, length);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  @Override
  public void write(Location location, InputStream data, long size, ObjectMetadata metadata)
      throws IOException {
    Objects.requireNonNull(data, "data is null");
    Path target = pathOf(location);
    Path temp = newTempFile(target);
    try {
      long written;
      try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.WRITE)) {
        written = data.transferTo(out);
      }
      if (written != size) {
        throw new IOException(
            "wrote " + written + " bytes to " + location + " but expected " + size);
      }
      moveIntoPlace(temp, target);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
  }

  @Override
  public List<DeleteFailure> delete(Collection<Location> locations) throws IOException {
    var failures = new ArrayList<DeleteFailure>();
    for (Location location : locations) {
      Path file = pathOf(location);
      try {
        // A key is a file here: a directory in its place, or a file further up its path, means
        // the key's file is gone already (a diff whose key turned into a directory, or the
        // reverse, exported before), as an object store's missing key is.
        if (!Files.isDirectory(file)) {
          Files.deleteIfExists(file);
        }
      } catch (FileSystemException e) {
        // Gone too when a name on its path is longer than the filesystem takes: no file can be
        // there, whatever the error, and no later run could delete it either.
        if (fileInTheWay(file).isEmpty() && longestName(file) <= MOST_NAME_BYTES) {
          failures.add(new DeleteFailure(location, String.valueOf(e.getMessage())));
        }
      } catch (IOException e) {
        failures.add(new DeleteFailure(location, String.valueOf(e.getMessage())));
      }
    }
    return failures;
  }

  /**
   * Removes each deleted file's parent directories while they are empty, deepest first, stopping
   * below {@code root}. A copy may create a file in such a directory at the same moment: removing a
   * directory succeeds only while it is empty, and a file's creation creates its directory again if
   * this removed it in between (see {@link #createInDirectory}).
   */
  @Override
  public void removeEmptyDirectories(Collection<Location> deleted, Location root)
      throws IOException {
    Path rootPath = pathOf(root);
    // Distinct parents, deepest first, so that a directory is tried after its subdirectories.
    var parents =
        new TreeSet<Path>(
            Comparator.comparingInt(Path::getNameCount)
                .reversed()
                .thenComparing(Comparator.naturalOrder()));
    for (Location location : deleted) {
      Path parent = pathOf(location).getParent();
      if (parent != null && parent.startsWith(rootPath) && !parent.equals(rootPath)) {
        parents.add(parent);
      }
    }
    while (!parents.isEmpty()) {
      Path dir = parents.pollFirst();
      try {
        Files.delete(dir);
      } catch (DirectoryNotEmptyException | NoSuchFileException e) {
        continue; // still in use, or already gone: its parents keep what they hold
      }
      Path parent = dir.getParent();
      if (parent != null && parent.startsWith(rootPath) && !parent.equals(rootPath)) {
        parents.add(parent);
      }
    }
  }

  @Override
  public Stream<ObjectInfo> list(Location prefix) throws IOException {
    Path prefixPath = pathOf(prefix);
    // The prefix may end inside a file name ("dir/par" lists "dir/part-0"), so walk from the
    // directory that contains it and keep what starts with it.
    boolean endsWithSlash = prefix.path().isEmpty() || prefix.path().endsWith("/");
    Path start = endsWithSlash ? prefixPath : prefixPath.getParent();
    String prefixText = endsWithSlash ? prefixPath + "/" : prefixPath.toString();
    if (start == null || !Files.isDirectory(start)) {
      return Stream.empty();
    }
    var iterator = new SortedWalk(start, prefixText, prefix, prefixPath);
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(
            iterator, Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.DISTINCT),
        false);
  }

  @Override
  public PartLimits partLimits() {
    return PART_LIMITS;
  }

  /**
   * Parts are written in place into one hidden file beside the target, each at its offset, and the
   * file is renamed into place on complete: no part files to join, every byte written once. The
   * upload id names that file and carries the object's size and part size, so that a worker can
   * resume the upload from the id alone.
   */
  @Override
  public MultipartUpload startMultipart(
      Location location, long size, long partSize, ObjectMetadata metadata) throws IOException {
    if (size < 0 || partSize < 1) {
      throw new IllegalArgumentException(
          "upload to " + location + ": size " + size + " in parts of " + partSize);
    }
    Path target = pathOf(location);
    String uploadId = TEMP_PREFIX + UUID.randomUUID() + "-" + size + "-" + partSize;
    createInDirectory(target, dir -> Files.createFile(dir.resolve(uploadId)));
    return new LocalMultipartUpload(location, target, uploadId, size, partSize);
  }

  @Override
  public MultipartUpload resumeMultipart(Location location, String uploadId) throws IOException {
    Path target = pathOf(location);
    String[] fields = uploadId.split("-");
    if (!uploadId.startsWith(TEMP_PREFIX) || uploadId.contains("/") || fields.length < 3) {
      throw new IOException("not an upload of this store: " + uploadId);
    }
    long size;
    long partSize;
    try {
      size = Long.parseLong(fields[fields.length - 2]);
      partSize = Long.parseLong(fields[fields.length - 1]);
    } catch (NumberFormatException e) {
      throw new IOException("not an upload of this store: " + uploadId, e);
    }
    if (!Files.isRegularFile(target.getParent().resolve(uploadId))) {
      throw new FileNotFoundException("no upload " + uploadId + " for " + location);
    }
    return new LocalMultipartUpload(location, target, uploadId, size, partSize);
  }

  @Override
  public boolean canCopyServerSide(Location source, Location destination) {
    return source.scheme().equals("file") || source.scheme().equals("local");
  }

  @Override
  public boolean copyServerSide(
      Location source, Location destination, long size, ObjectMetadata metadata)
      throws IOException {
    Path from = pathOf(source);
    Path target = pathOf(destination);
    if (!Files.isRegularFile(from)) {
      throw notFound(source);
    }
    Path temp = newTempFile(target);
    try {
      Files.copy(from, temp, StandardCopyOption.REPLACE_EXISTING);
      long copied = Files.size(temp);
      if (copied != size) {
        throw new IOException(
            "copied " + copied + " bytes from " + source + " but expected " + size);
      }
      moveIntoPlace(temp, target);
      return true;
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
  }

  @Override
  public void close() {}

  private static Path newTempFile(Path target) throws IOException {
    // Not Files.createTempFile: its files are the owner's alone (0600), and the rename would
    // hand that on to the export, which other users' readers could then not open. A plain new
    // file takes the umask's mode, as the parts' files and cp's copies do.
    return createInDirectory(
        target, dir -> Files.createFile(dir.resolve(TEMP_PREFIX + UUID.randomUUID() + ".tmp")));
  }

  /** Creates a file in a directory; see {@link #createInDirectory}. */
  private interface FileCreation {
    Path createIn(Path directory) throws IOException;
  }

  /**
   * Creates a file beside {@code target}, creating its directory first. Again when the directory
   * vanished in between: {@link #removeEmptyDirectories} may remove it while it is still empty.
   * What no second attempt can change (a file where a directory must be, a directory where the file
   * must be, a permission) is refused for good, saying which path is in the way.
   */
  private static Path createInDirectory(Path target, FileCreation creation) throws IOException {
    Path dir = target.getParent();
    Path existing = dir;
    while (existing != null && !Files.isDirectory(existing)) {
      existing = existing.getParent();
    }
    Path name = target.getFileName();
    if (existing != null && name != null && longestName(name) > MOST_NAME_BYTES) {
      // Asked where no directory need be made: a file is written under a short temporary name
      // and only renamed to this one at the end, after its directories were made for it.
      try {
        Files.readAttributes(
            existing.resolve(name.toString()),
            BasicFileAttributes.class,
            LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException takesIt) {
        // the name fits this filesystem
      } catch (FileSystemException e) {
        throw nameRefused(target, e);
      }
    }
    try {
      for (int attempt = 1; ; attempt++) {
        try {
          if (attempt > 1 || !dir.equals(existing)) {
            // Skipped when the directory was there a moment ago: mkdir's EEXIST and a stat saved
            // per file; gone since, the creation below fails and the next attempt makes it.
            Files.createDirectories(dir);
          }
          if (Files.isDirectory(target)) {
            throw new RequestRefusedException(
                "cannot write " + target + ": a directory of that name is in the way");
          }
          return creation.createIn(dir);
        } catch (NoSuchFileException | FileAlreadyExistsException | NotDirectoryException e) {
          // Gone before the file was made in it, or gone between creating the directory and
          // checking it is one; a file in the directory's place fails every attempt. Five: a
          // directory emptied and removed over and over beside the write lost it three times
          // running once in a test's 300 writes.
          if (attempt == 5) {
            throw blocked(target, e);
          }
        } catch (AccessDeniedException e) {
          throw new RequestRefusedException(
              "cannot write " + target + ": permission denied on " + e.getFile());
        } catch (FileSystemException e) {
          // ENOTDIR for a file further up than the directory's parent, or a name too long.
          IOException blocked = blocked(target, e);
          throw blocked != e ? blocked : nameRefused(target, e);
        }
      }
    } catch (IOException e) {
      // The directories made for a file that could not be, such as one whose name is too long,
      // would stand empty for readers that find partitions by directory.
      for (Path p = dir; p != null && !p.equals(existing); p = p.getParent()) {
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          continue; // never made: the file in the way, or a name too long
        }
        try {
          Files.delete(p);
        } catch (IOException stays) {
          break; // in use: another copy's file is in it
        }
      }
      throw e;
    }
  }

  /** The bytes of the longest name on {@code path}. */
  private static int longestName(Path path) {
    int longest = 0;
    for (Path name : path) {
      longest = Math.max(longest, name.toString().getBytes(StandardCharsets.UTF_8).length);
    }
    return longest;
  }

  /**
   * The bytes most filesystems take in one name (Linux's NAME_MAX on ext4, XFS, Btrfs, tmpfs, ZFS
   * and others).
   */
  static final int MOST_NAME_BYTES = 255;

  /**
   * A failure to make {@code target} or its directories, refused for good when a name on its path
   * is longer than most filesystems take: no attempt can change that, and the OS's own words ("File
   * name too long") say neither which name nor what the limit is. Any other failure as it was.
   */
  private static IOException nameRefused(Path target, FileSystemException e) {
    for (Path name : target) {
      int bytes = name.toString().getBytes(StandardCharsets.UTF_8).length;
      if (bytes > MOST_NAME_BYTES) {
        String shown = name.toString();
        if (shown.codePointCount(0, shown.length()) > 24) {
          shown = shown.substring(0, shown.offsetByCodePoints(0, 24)) + "...";
        }
        return new RequestRefusedException(
            "cannot write "
                + target
                + ": the filesystem refused a name of "
                + bytes
                + " bytes ('"
                + shown
                + "'; most filesystems take at most "
                + MOST_NAME_BYTES
                + " bytes per name): "
                + e.getReason());
      }
    }
    return e;
  }

  /**
   * The file that stands on {@code path}'s way: the nearest ancestor that exists and is no
   * directory.
   */
  private static Optional<Path> fileInTheWay(Path path) {
    for (Path p = path.getParent(); p != null; p = p.getParent()) {
      if (Files.exists(p) && !Files.isDirectory(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** Why {@code target}'s directory cannot be made: the nearest ancestor that is not one. */
  private static IOException blocked(Path target, FileSystemException e) {
    return fileInTheWay(target)
        .<IOException>map(
            p ->
                new RequestRefusedException(
                    "cannot write " + target + ": " + p + " is a file, not a directory"))
        .orElse(e);
  }

  private void moveIntoPlace(Path temp, Path target) throws IOException {
    if (durable) {
      force(temp);
    }
    try {
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (FileSystemException e) {
      throw nameRefused(target, e);
    }
    if (durable) {
      // The rename is an entry in the directory: durable only once the directory is.
      force(target.getParent());
    }
  }

  /** A file's or a directory's content to the disk (Linux opens directories for reading). */
  private static void force(Path path) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  /**
   * A missing object; a lakeFS {@code local://} address says under which blockstore directory it
   * was looked for, and whether that directory exists, naming the setting: otherwise every object
   * of a repository reads as merely missing, and nothing says where it was looked for.
   */
  private FileNotFoundException notFound(Location location) {
    if (location.scheme().equals("local") && !Files.isDirectory(localBlockstoreRoot)) {
      return new FileNotFoundException(
          "no object at "
              + location
              + ": the lakeFS blockstore directory "
              + localBlockstoreRoot
              + " does not exist (set "
              + LocalStorageProvider.BLOCKSTORE_PATH_KEY
              + " to lakeFS's blockstore.local.path)");
    }
    if (location.scheme().equals("local")) {
      // The directory may be another lakeFS's, or a default nobody set: say where it looked.
      return new FileNotFoundException(
          "no object at "
              + location
              + " (looked for it under the lakeFS blockstore directory "
              + localBlockstoreRoot
              + "; "
              + LocalStorageProvider.BLOCKSTORE_PATH_KEY
              + " names another)");
    }
    return new FileNotFoundException("no object at " + location);
  }

  /**
   * What a part is written in: 64 KiB at a time, so that each write copies bytes the read before it
   * left in the CPU's cache. With 256 KiB per thread (16 threads) the socket reads and the file
   * writes both copied from memory: 2 GiB from S3Proxy into tmpfs, runs alternating, the exporter's
   * process took 14,700-15,100 perf samples (system-wide, kernel included) with 256 KiB against
   * 12,000-12,400 with 64 KiB (socket reads alone 3,800-4,100 against 2,500-2,600); 32 KiB and 128
   * KiB took more than 64 KiB.
   */
  private static final int WRITE_BUFFER = 64 << 10;

  /**
   * One direct buffer per writing thread, kept: a new one per part would hold native memory until a
   * garbage collection frees it.
   */
  private static final ThreadLocal<ByteBuffer> DIRECT_BUFFERS =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(WRITE_BUFFER));

  /**
   * Parts are written in place, at their offsets, into one hidden file beside the target;
   * completing renames it into place.
   */
  private final class LocalMultipartUpload implements MultipartUpload {
    private final Location location;
    private final Path target;
    private final String uploadId;
    private final Path file;
    private final long size;
    private final long partSize;

    /**
     * Held for each write into the file. Linux serializes buffered writes to one file anyway (the
     * inode's lock, on tmpfs, ext4 and XFS alike), but a thread that finds it taken spins on a CPU
     * until the holder is done: two part threads per file, 2 GiB from S3Proxy into tmpfs on two
     * cores, spent 0.24 s of the export's 3.1 s of CPU (perf) in that wait. Waiting here parks the
     * thread instead (that wait fell to nothing, the writes' CPU from 1.74 s to 1.58 s), and its
     * socket keeps filling meanwhile.
     */
    private final ReentrantLock writes = new ReentrantLock();

    LocalMultipartUpload(
        Location location, Path target, String uploadId, long size, long partSize) {
      this.location = location;
      this.target = target;
      this.uploadId = uploadId;
      this.file = target.getParent().resolve(uploadId);
      this.size = size;
      this.partSize = partSize;
    }

    @Override
    public Location location() {
      return location;
    }

    @Override
    public String uploadId() {
      return uploadId;
    }

    private int partCount() {
      return (int) Math.max(1, (size + partSize - 1) / partSize);
    }

    private long lengthOf(int partNumber) {
      return Math.min(partSize, size - (partNumber - 1L) * partSize);
    }

    @Override
    public UploadedPart writePart(int partNumber, InputStream data, long length)
        throws IOException {
      if (partNumber < 1 || partNumber > partCount() || length != lengthOf(partNumber)) {
        throw new IOException(
            "part "
                + partNumber
                + " of "
                + length
                + " bytes does not fit the upload to "
                + location
                + " ("
                + size
                + " bytes in parts of "
                + partSize
                + ")");
      }
      if (!Files.isRegularFile(file)) {
        throw new FileNotFoundException("upload " + uploadId + " for " + location + " is gone");
      }
      long start = (partNumber - 1L) * partSize;
      long end = start + length;
      // A source that is also a channel is read without copies through the heap.
      long position;
      try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
        position =
            data instanceof ReadableByteChannel channel
                ? writeFrom(channel, out, partNumber, start, end)
                : writeFrom(data, out, partNumber, start, end);
      }
      if (position != end) {
        throw new IOException(
            "part "
                + partNumber
                + " of "
                + location
                + ": got "
                + (length - (end - position))
                + " of "
                + length
                + " bytes");
      }
      return new UploadedPart(partNumber, length, "");
    }

    // Whole buffers, not whatever one socket read returned: parts of one file are written by many
    // threads at once and each write takes the file's lock, so fewer, larger writes take it less
    // often (but see WRITE_BUFFER for why not much larger). Each reads one byte past the part's
    // end, to notice a source that sends more.

    /** Writes from a stream; returns the position after the last byte written. */
    private long writeFrom(
        InputStream data, FileChannel out, int partNumber, long position, long end)
        throws IOException {
      byte[] buffer = new byte[WRITE_BUFFER];
      int n;
      while ((n = data.readNBytes(buffer, 0, (int) Math.min(buffer.length, end - position + 1)))
          > 0) {
        requireWithin(partNumber, position + n, end);
        position = writeAt(out, ByteBuffer.wrap(buffer, 0, n), position);
      }
      return position;
    }

    /**
     * Writes from a channel (the S3 store's bodies are ones) through a direct buffer: the bytes go
     * from the socket to the file without the two copies a heap array costs on the way in and out.
     * Returns the position after the last byte written.
     */
    private long writeFrom(
        ReadableByteChannel data, FileChannel out, int partNumber, long position, long end)
        throws IOException {
      ByteBuffer buffer = DIRECT_BUFFERS.get();
      boolean more = true;
      while (more) {
        buffer.clear().limit((int) Math.min(buffer.capacity(), end - position + 1));
        while (buffer.hasRemaining() && (more = data.read(buffer) >= 0)) {
          // fill the buffer or reach the end
        }
        buffer.flip();
        requireWithin(partNumber, position + buffer.remaining(), end);
        position = writeAt(out, buffer, position);
      }
      return position;
    }

    /** Writes all of {@code chunk} at {@code position}; returns the position after it. */
    private long writeAt(FileChannel out, ByteBuffer chunk, long position) throws IOException {
      writes.lock();
      try {
        while (chunk.hasRemaining()) {
          position += out.write(chunk, position);
        }
        return position;
      } finally {
        writes.unlock();
      }
    }

    private void requireWithin(int partNumber, long reached, long end) throws IOException {
      if (reached > end) {
        throw new IOException(
            "part "
                + partNumber
                + " of "
                + location
                + ": more than "
                + lengthOf(partNumber)
                + " bytes");
      }
    }

    @Override
    public void complete(List<UploadedPart> parts) throws IOException {
      var sorted = new ArrayList<>(parts);
      sorted.sort(Comparator.comparingInt(UploadedPart::partNumber));
      int expected = 1;
      for (UploadedPart part : sorted) {
        if (part.partNumber() != expected || part.size() != lengthOf(expected)) {
          throw new IOException(
              "upload " + uploadId + " for " + location + " misses or mangles part " + expected);
        }
        expected++;
      }
      if (expected - 1 != partCount()) {
        throw new IOException(
            "upload "
                + uploadId
                + " for "
                + location
                + " has "
                + (expected - 1)
                + " of "
                + partCount()
                + " parts");
      }
      if (!Files.isRegularFile(file) || Files.size(file) != size) {
        throw new IOException("upload " + uploadId + " for " + location + " is gone or changed");
      }
      moveIntoPlace(file, target);
    }

    @Override
    public void abort() throws IOException {
      Files.deleteIfExists(file);
    }
  }

  /**
   * A depth-first walk in key order. Sorting each directory by name, with {@code /} appended to
   * directory names, gives the byte order object stores list keys in ({@code a-b} before {@code
   * a/x}). Only one directory level's names are held per depth.
   */
  private final class SortedWalk implements Iterator<ObjectInfo> {
    private final Deque<Iterator<Path>> stack = new ArrayDeque<>();
    private final String prefixText;
    private final Location prefix;
    private final Path prefixPath;
    private ObjectInfo next;

    SortedWalk(Path start, String prefixText, Location prefix, Path prefixPath) {
      this.prefixText = prefixText;
      this.prefix = prefix;
      this.prefixPath = prefixPath;
      stack.push(children(start));
    }

    private Iterator<Path> children(Path dir) {
      var entries = new ArrayList<String[]>();
      try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
        for (Path child : stream) {
          String name = child.getFileName().toString();
          if (name.startsWith(TEMP_PREFIX)) {
            continue;
          }
          entries.add(new String[] {Files.isDirectory(child) ? name + "/" : name, name});
        }
      } catch (NoSuchFileException e) {
        return List.<Path>of().iterator();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      entries.sort((a, b) -> KeyOrder.compare(a[0], b[0]));
      return entries.stream().map(e -> dir.resolve(e[1])).toList().iterator();
    }

    @Override
    public boolean hasNext() {
      while (next == null && !stack.isEmpty()) {
        Iterator<Path> top = stack.peek();
        if (!top.hasNext()) {
          stack.pop();
          continue;
        }
        Path path = top.next();
        String text = path.toString();
        if (Files.isDirectory(path)) {
          if ((text + "/").startsWith(prefixText) || prefixText.startsWith(text + "/")) {
            stack.push(children(path));
          }
          continue;
        }
        if (!text.startsWith(prefixText)) {
          continue;
        }
        try {
          var attrs = Files.readAttributes(path, BasicFileAttributes.class);
          // What follows the prefix: "/x" under a directory named without its slash, "t-0"
          // after a prefix that ends inside a name; appended as it is, it gives the key.
          String rest = text.substring(prefixPath.toString().length());
          Location location =
              prefix.path().isEmpty() || prefix.path().endsWith("/")
                  ? prefix.child(rest.startsWith("/") ? rest.substring(1) : rest)
                  : new Location(prefix.scheme(), prefix.authority(), prefix.path() + rest);
          next =
              new ObjectInfo(
                  location,
                  attrs.size(),
                  attrs.lastModifiedTime().toInstant(),
                  "",
                  ObjectMetadata.EMPTY);
        } catch (NoSuchFileException e) {
          // deleted while listing: not there any more
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return next != null;
    }

    @Override
    public ObjectInfo next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      ObjectInfo result = next;
      next = null;
      return result;
    }
  }
}
