package io.lakeexporter;

import io.lakeexporter.plan.DestinationKeys;
import io.lakeexporter.source.LakeFsClient;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.StorageRegistry;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an export out of the storage namespace of the repository it exports: lakeFS keeps the
 * repository's objects there and takes what it finds there for its own (its garbage collection
 * deletes unreferenced objects there). An export written there would sit among lakeFS's objects,
 * and a diff's deletes could remove objects lakeFS still needs. A destination root in the namespace
 * is refused before anything is listed; below a root that holds the namespace, the keys that would
 * land in it are refused one by one (each a failed copy or delete in the report) and the others
 * exported. The standalone {@link Exporter} and the Spark exporter both ask here.
 */
public final class NamespaceCheck {

  private static final Logger LOG = LoggerFactory.getLogger(NamespaceCheck.class);

  private NamespaceCheck() {}

  /**
   * The keys an export of {@code repository} may write under {@code root}. Asked before the
   * destination is prepared (a local root is made a directory then), so that nothing is made in the
   * namespace; a root no store serves is left to {@link DestinationCheck} to refuse.
   *
   * @throws InvalidExportException when {@code root} is in the repository's storage namespace
   */
  public static DestinationKeys keys(
      LakeFsClient lakeFs, String repository, StorageRegistry storage, Location root) {
    Optional<String> namespace = lakeFs.storageNamespace(repository);
    if (namespace.isEmpty()) {
      LOG.warn(
          "the access key may not read repository '{}' itself, only its objects: {} was not"
              + " checked against the repository's storage namespace",
          repository,
          root);
      return new DestinationKeys(root, "", "", true);
    }
    return keys(repository, namespace.get(), storage, root);
  }

  static DestinationKeys keys(
      String repository, String namespace, StorageRegistry storage, Location root) {
    Relation relation;
    try {
      ObjectStore destination = storage.storeFor(root);
      Optional<Location> sameStore = inStoreOf(namespace, storage, destination, root);
      if (sameStore.isEmpty()) {
        // Nor can objects imported into the repository be there: lakeFS imports from the store
        // its namespace is on.
        return DestinationKeys.under(root);
      }
      relation = relation(destination.canonical(root), sameStore.get());
    } catch (IOException e) {
      return DestinationKeys.under(root); // DestinationCheck says what is wrong with the root
    } catch (NamespaceNotLocated e) {
      LOG.warn(
          "{} was not checked against the storage namespace of repository '{}' ({}), which is on"
              + " its store but could not be located: {}",
          root,
          repository,
          namespace,
          e.getMessage());
      return new DestinationKeys(root, "", "", true);
    }
    String what = "the storage namespace of repository '" + repository + "' (" + namespace + ")";
    return switch (relation.kind()) {
      case INSIDE ->
          throw new InvalidExportException(
              "cannot export to "
                  + root
                  + ": it is in "
                  + what
                  + ", where lakeFS keeps the repository's own objects; export to a location"
                  + " outside it");
      case HOLDS -> new DestinationKeys(root, relation.prefix(), what, true);
      case APART -> new DestinationKeys(root, "", "", true);
    };
  }

  /**
   * The namespace in the destination store's canonical spelling, when that store serves it: a
   * namespace another store serves cannot overlap the destination.
   */
  private static Optional<Location> inStoreOf(
      String namespace, StorageRegistry storage, ObjectStore destination, Location root)
      throws NamespaceNotLocated {
    Location location;
    try {
      location = Location.parseAddress(namespace);
      if (storage.providerFor(location) != storage.providerFor(root)) {
        return Optional.empty();
      }
    } catch (IOException | IllegalArgumentException e) {
      // No module serves it here (or it is no location): the destination, which one does, is
      // elsewhere.
      LOG.debug("storage namespace {} is not served by {}: {}", namespace, destination.name(), e);
      return Optional.empty();
    }
    try {
      return Optional.of(destination.canonical(location));
    } catch (IOException e) {
      // The destination's own store, which cannot say where (a local:// namespace without
      // lakefs.blockstore.local.path): the root may be in it.
      throw new NamespaceNotLocated(e.getMessage());
    }
  }

  /** A namespace on the destination's store that the store cannot locate. */
  private static final class NamespaceNotLocated extends Exception {
    private static final long serialVersionUID = 1L;

    NamespaceNotLocated(String reason) {
      super(reason, null, false, false);
    }
  }

  /**
   * How a destination root lies to a namespace, both in one store's canonical spelling.
   *
   * @param prefix for {@link Kind#HOLDS}, where the namespace is under the root (ending in {@code
   *     /}); empty otherwise
   */
  record Relation(Kind kind, String prefix) {

    enum Kind {
      /** The root is the namespace or in it. */
      INSIDE,
      /** The namespace is under the root. */
      HOLDS,
      /** Neither holds the other. */
      APART
    }
  }

  static Relation relation(Location root, Location namespace) {
    Objects.requireNonNull(root, "root is null");
    Objects.requireNonNull(namespace, "namespace is null");
    if (!root.scheme().equals(namespace.scheme())
        || !root.authority().equals(namespace.authority())) {
      return new Relation(Relation.Kind.APART, "");
    }
    String r = withoutTrailingSlashes(root.path());
    String n = withoutTrailingSlashes(namespace.path());
    if (n.isEmpty() || r.equals(n) || r.startsWith(n + "/")) {
      return new Relation(Relation.Kind.INSIDE, "");
    }
    if (r.isEmpty()) {
      return new Relation(Relation.Kind.HOLDS, n + "/");
    }
    if (n.startsWith(r + "/")) {
      return new Relation(Relation.Kind.HOLDS, n.substring(r.length() + 1) + "/");
    }
    return new Relation(Relation.Kind.APART, "");
  }

  private static String withoutTrailingSlashes(String path) {
    int end = path.length();
    while (end > 0 && path.charAt(end - 1) == '/') {
      end--;
    }
    return path.substring(0, end);
  }
}
