package io.lakeexporter.plan;

import io.lakeexporter.storage.Location;
import java.util.Objects;

/**
 * Maps a lakeFS path to its destination: {@code root + path}. On a filesystem a path could climb
 * out of the root, so there {@code ..} and {@code .} segments, empty segments and absolute paths
 * are refused; object-store keys are literal and pass as they are, except for a leading {@code /}
 * at a bucket's root, which no key there can hold.
 */
public final class DestinationKeys {

  private DestinationKeys() {}

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
    if (isFilesystem(root)) {
      if (path.startsWith("/")) {
        throw new InvalidKeyException(path, "an absolute path would escape the destination root");
      }
      for (String segment : path.split("/", -1)) {
        if (segment.equals("..") || segment.equals(".")) {
          throw new InvalidKeyException(
              path, "a '" + segment + "' segment would escape the destination root");
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
