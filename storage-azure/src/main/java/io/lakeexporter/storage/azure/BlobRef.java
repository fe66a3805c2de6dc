package io.lakeexporter.storage.azure;

import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.StorageSettings;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A blob (or prefix) named by any of the forms lakeFS and Hadoop users write:
 *
 * <ul>
 *   <li>{@code https://<account>.blob.core.windows.net/<container>/<path>} (lakeFS addresses)
 *   <li>{@code abfs[s]://<container>@<account>.dfs.core.windows.net/<path>}
 *   <li>{@code wasb[s]://<container>@<account>.blob.core.windows.net/<path>}
 *   <li>{@code http(s)://<host:port>/<account>/<container>/<path>} where {@code
 *       azure.account.<account>.endpoint} names that host (Azurite, private endpoints)
 * </ul>
 *
 * @param account storage account
 * @param container container
 * @param blob blob name or prefix, possibly empty
 */
record BlobRef(String account, String container, String blob) {

  static final String BLOB_SUFFIX = ".blob.core.windows.net";
  static final String DFS_SUFFIX = ".dfs.core.windows.net";

  BlobRef {
    Objects.requireNonNull(account, "account is null");
    Objects.requireNonNull(container, "container is null");
    Objects.requireNonNull(blob, "blob is null");
  }

  /** The blob a location names, or empty when it is not an Azure location. */
  static Optional<BlobRef> of(Location l, StorageSettings settings) {
    String scheme = l.scheme();
    String authority = l.authority().toLowerCase(Locale.ROOT);
    switch (scheme) {
      case "abfs", "abfss", "wasb", "wasbs" -> {
        int at = l.authority().indexOf('@');
        if (at <= 0) {
          return Optional.empty();
        }
        String host = authority.substring(at + 1);
        String account = host.contains(".") ? host.substring(0, host.indexOf('.')) : host;
        return Optional.of(new BlobRef(account, l.authority().substring(0, at), l.path()));
      }
      case "https", "http" -> {
        // A URL with a query (a SAS URL, as lakeFS presigns and as presignRead gives) is a real
        // URL: its path is percent-encoded ("a%20b", "dir%2Fblob"). A plain address is the name.
        String path = l.query().isEmpty() ? l.path() : percentDecoded(l.path());
        if (authority.endsWith(BLOB_SUFFIX) || authority.endsWith(DFS_SUFFIX)) {
          String account = authority.substring(0, authority.indexOf('.'));
          return splitContainer(account, path);
        }
        // Emulator-style: http://host:port/<account>/<container>/<path>, for configured endpoints.
        int slash = path.indexOf('/');
        if (slash <= 0) {
          return Optional.empty();
        }
        String account = path.substring(0, slash);
        Optional<String> endpoint = AzureAccounts.endpoint(settings, account);
        if (endpoint.isPresent()
            && endpoint.get().equalsIgnoreCase(scheme + "://" + l.authority() + "/" + account)) {
          return splitContainer(account, path.substring(slash + 1));
        }
        return Optional.empty();
      }
      default -> {
        return Optional.empty();
      }
    }
  }

  /**
   * Why {@code l}, written as an Azure location, names no blob or container: the form it lacks, or
   * for a path-style URL ({@code http://host/<account>/<container>/...}) the account endpoint
   * setting it would need; empty when it names one, or is not written as an Azure location.
   */
  static Optional<String> whyNot(Location l, StorageSettings settings) {
    if (of(l, settings).isPresent()) {
      return Optional.empty();
    }
    String authority = l.authority().toLowerCase(Locale.ROOT);
    switch (l.scheme()) {
      case "abfs", "abfss", "wasb", "wasbs" -> {
        return Optional.of(
            "it names no container: " + l.scheme() + "://<container>@" + authority + "/<path>");
      }
      case "https", "http" -> {
        if (authority.endsWith(BLOB_SUFFIX) || authority.endsWith(DFS_SUFFIX)) {
          return Optional.of(
              "it names account '"
                  + authority.substring(0, authority.indexOf('.'))
                  + "' but no container: "
                  + l.scheme()
                  + "://"
                  + authority
                  + "/<container>/<path>");
        }
        String path = l.path();
        String account = path.indexOf('/') < 0 ? path : path.substring(0, path.indexOf('/'));
        Optional<String> endpoint = AzureAccounts.endpoint(settings, account);
        if (!account.isEmpty()
            && endpoint.isPresent()
            && endpoint
                .get()
                .equalsIgnoreCase(l.scheme() + "://" + l.authority() + "/" + account)) {
          return Optional.of(
              "it names account '"
                  + account
                  + "' but no container: "
                  + endpoint.get()
                  + "/<container>/<path>");
        }
        if (account.isEmpty() || path.length() <= account.length() + 1) {
          return Optional.empty();
        }
        // A path-style URL (account, container, path) is how Azurite and private endpoints are
        // written; without the account's endpoint setting it falls to the read-only HTTP store.
        String here = l.scheme() + "://" + l.authority() + "/" + account;
        return Optional.of(
            endpoint
                .map(e -> "azure.account." + account + ".endpoint is " + e + ", not " + here)
                .orElse(
                    "for an Azure account at an endpoint of its own (Azurite, a private"
                        + " endpoint), set azure.account."
                        + account
                        + ".endpoint="
                        + here));
      }
      default -> {
        return Optional.empty();
      }
    }
  }

  /** {@code %XX} escapes decoded as UTF-8; a {@code +} stays a plus (a path is no form). */
  private static String percentDecoded(String path) {
    if (path.indexOf('%') < 0) {
      return path;
    }
    try {
      return URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException notEncoded) {
      return path;
    }
  }

  private static Optional<BlobRef> splitContainer(String account, String path) {
    if (path.isEmpty()) {
      return Optional.empty();
    }
    int slash = path.indexOf('/');
    return Optional.of(
        slash < 0
            ? new BlobRef(account, path, "")
            : new BlobRef(account, path.substring(0, slash), path.substring(slash + 1)));
  }

  /** For messages: {@code account/container/blob}. */
  @Override
  public String toString() {
    return account + "/" + container + "/" + blob;
  }
}
