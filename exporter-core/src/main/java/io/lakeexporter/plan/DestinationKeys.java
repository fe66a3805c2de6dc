package io.lakeexporter.plan;

import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectStore;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Maps a lakeFS path to its destination: {@code root + path}. On a filesystem a path could climb
 * out of the root, so there {@code ..} and {@code .} segments, empty segments and absolute paths
 * are refused; object-store keys are literal and pass as they are, except for a leading {@code /}
 * at a bucket's root, which no key there can hold. Keys under {@code reservedPrefix} are refused
 * too: below a root that holds the repository's storage namespace, that part belongs to lakeFS.
 *
 * @param root the destination root
 * @param reservedPrefix a key prefix under the root, ending in {@code /}, that no key may start
 *     with; empty for none
 * @param reservedFor what the reserved part is, for messages
 * @param mayHoldLakeFsData whether the root is on the store that serves the repository's storage
 *     namespace, or that could not be told: lakeFS imports objects by reference from that store
 *     only, leaving their bytes where they were, so only there can an export's destination hold
 *     bytes that lakeFS points to
 */
public record DestinationKeys(
    Location root, String reservedPrefix, String reservedFor, boolean mayHoldLakeFsData) {

  /** The name, at the root, of the lease an export holds while it runs; no key may take it. */
  public static final String LEASE_NAME = "EXPORT_RUNNING";

  /**
   * The names status files take at the root ({@code EXPORT_<commitId>_SUCCESS} or {@code
   * _FAILURE}), and any path below one; no key may take them.
   */
  private static final Pattern STATUS_NAME =
      Pattern.compile("EXPORT_[^/]*_(SUCCESS|FAILURE)(/.*)?", Pattern.DOTALL);

  public DestinationKeys {
    Objects.requireNonNull(root, "root is null");
    Objects.requireNonNull(reservedPrefix, "reservedPrefix is null");
    Objects.requireNonNull(reservedFor, "reservedFor is null");
    if (!reservedPrefix.isEmpty() && !reservedPrefix.endsWith("/")) {
      throw new IllegalArgumentException("reserved prefix must end with '/': " + reservedPrefix);
    }
  }

  /** The keys under {@code root}, none of them reserved, on a store that holds no lakeFS data. */
  public static DestinationKeys under(Location root) {
    return new DestinationKeys(root, "", "", false);
  }

  /**
   * Where {@code path} goes.
   *
   * @throws InvalidKeyException naming the key and why it was refused
   */
  public Location resolve(String path) throws InvalidKeyException {
    Location target = resolve(root, path);
    if (!reservedPrefix.isEmpty()
        && (path.startsWith(reservedPrefix)
            || path.equals(reservedPrefix.substring(0, reservedPrefix.length() - 1)))) {
      throw new InvalidKeyException(path, "its destination " + target + " is in " + reservedFor);
    }
    return target;
  }

  /**
   * Where {@code path} goes on {@code store}, the store that writes at the root: {@link
   * #resolve(String)}, refused too when that store would not keep an object under the name (see
   * {@link ObjectStore#nameProblem}).
   *
   * @throws InvalidKeyException naming the key and why it was refused
   */
  public Location resolve(String path, ObjectStore store) throws InvalidKeyException {
    Location target = resolve(path);
    Optional<String> problem = store.nameProblem(target);
    if (problem.isPresent()) {
      throw new InvalidKeyException(path, problem.get());
    }
    return target;
  }

  /**
   * @throws InvalidKeyException naming the key and why it was refused
   */
  public static Location resolve(Location root, String path) throws InvalidKeyException {
    Objects.requireNonNull(root, "root is null");
    Objects.requireNonNull(path, "path is null");
    if (path.isEmpty()) {
      throw new InvalidKeyException(path, "the key is empty");
    }
    if (path.indexOf('\0') >= 0) {
      throw new InvalidKeyException(path, "the key holds a NUL character");
    }
    if (path.equals(LEASE_NAME) || path.startsWith(LEASE_NAME + "/")) {
      throw new InvalidKeyException(
          path,
          "the name of the lease an export holds at the destination root while it runs: the object"
              + " would overwrite it, or on a filesystem put a directory in its way, and the next"
              + " export could take no lease there");
    }
    if (STATUS_NAME.matcher(path).matches()) {
      throw new InvalidKeyException(
          path,
          "the name of a status file an export writes at the destination root: a reader waiting for"
              + " that commit's status would take the object for it, and a diff that removes the"
              + " key would delete the status file");
    }
    if (isFilesystem(root)) {
      if (path.startsWith("/")) {
        throw new InvalidKeyException(path, "an absolute path would escape the destination root");
      }
      for (String segment : path.split("/", -1)) {
        if (segment.equals("..")) {
          throw new InvalidKeyException(path, "a '..' segment would escape the destination root");
        }
        if (segment.equals(".")) {
          throw new InvalidKeyException(
              path,
              "a '.' segment names the directory it stands in on a filesystem: the file would land"
                  + " under another key");
        }
        if (segment.isEmpty()) {
          throw new InvalidKeyException(
              path, "an empty path segment has no file name on a filesystem");
        }
      }
    } else if (path.startsWith("/") && root.path().isEmpty()) {
      // A key is the path after the bucket's own slash, which holds no leading one: "/a" would be
      // written as "a", over another object's copy.
      throw new InvalidKeyException(
          path,
          "a key starting with '/' cannot be kept at the root of "
              + root
              + "; export under a prefix (e.g. "
              + root.child("export/")
              + ")");
    }
    return root.child(path);
  }

  static boolean isFilesystem(Location root) {
    return root.scheme().equals("file") || root.scheme().equals("local");
  }

  /** A key that cannot be written under the destination root. */
  public static final class InvalidKeyException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidKeyException(String key, String reason) {
      super("refused key '" + key + "': " + reason);
    }
  }
}
