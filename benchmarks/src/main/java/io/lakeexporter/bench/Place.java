package io.lakeexporter.bench;

/**
 * A folder on one side: for {@link Side#LOCAL} a path under the workspace's local root, for S3 a
 * {@code bucket/prefix}, for Azure a {@code container/prefix}. Each tool spells it its own way.
 */
record Place(Side side, String path) {

  Place {
    if (path.startsWith("/") || path.endsWith("/")) {
      throw new IllegalArgumentException("place path without slashes at its ends: " + path);
    }
  }

  Place child(String name) {
    return new Place(side, path + "/" + name);
  }

  /** The first segment: the bucket or container (unused for local places). */
  String container() {
    int slash = path.indexOf('/');
    return slash < 0 ? path : path.substring(0, slash);
  }

  /** What follows the bucket or container. */
  String prefix() {
    int slash = path.indexOf('/');
    return slash < 0 ? "" : path.substring(slash + 1);
  }

  @Override
  public String toString() {
    return side.label + ":" + path;
  }
}
