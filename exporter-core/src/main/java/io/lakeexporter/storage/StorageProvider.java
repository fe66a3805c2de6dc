package io.lakeexporter.storage;

import java.io.IOException;
import java.util.Optional;
import java.util.Set;

/**
 * Builds an {@link ObjectStore} for a family of locations. Implementations are found with {@link
 * java.util.ServiceLoader} through {@code
 * META-INF/services/io.lakeexporter.storage.StorageProvider} and need a public no-argument
 * constructor.
 *
 * <p>What an export asks of the store at its destination: {@link StoreCapability#WRITE} always (a
 * store without it is refused before anything is copied); {@link StoreCapability#DELETE} for the
 * deletes of a diff export and to remove the stale status file of the same commit (without it each
 * delete fails, and a stale status file stays with a warning). An export never lists the
 * destination. As a source, in the {@code auto} source mode, the store reads lakeFS physical
 * addresses only when {@link #priority()} is above 0. Settings keys start with {@link #name()} and
 * a dot ({@code s3.region}).
 */
public interface StorageProvider {

  /**
   * A short name for messages and settings, such as {@code s3}; unique among the providers on the
   * class path (settings keys start with it, and {@link io.lakeexporter.ExporterModule} lets a
   * bound provider replace a discovered one of the same name).
   */
  String name();

  /** The URI schemes this provider serves. */
  Set<String> schemes();

  /**
   * Whether this provider serves {@code location}. The default looks at the scheme only; a provider
   * that shares a scheme with others (such as Azure on {@code https}) narrows it down.
   */
  default boolean supports(Location location, StorageSettings settings) {
    return schemes().contains(location.scheme());
  }

  /**
   * Why this provider does not serve {@code location} though it is written like one of its own (an
   * Azure account URL without its container), in words for the message that refuses it, such as
   * {@code "it names no container: https://<account>.blob.core.windows.net/<container>/..."}; empty
   * when the location is not of this provider's kind or it serves it. The default says nothing.
   */
  default Optional<String> declines(Location location, StorageSettings settings) {
    return Optional.empty();
  }

  /**
   * Which provider wins when several support a location: the highest. Generic providers (plain HTTP
   * reads) stay at 0; specific ones use more.
   */
  default int priority() {
    return 10;
  }

  /**
   * The settings keys this provider reads, a part in angle brackets standing for any name ({@code
   * s3.bucket.<bucket>.region}). When the set is not empty, a key under this provider's name and a
   * dot that matches none of them is an unknown setting, which exporters refuse (a misspelt key
   * would otherwise be ignored in silence); when it is empty, the default, every such key is taken.
   * Keys outside the name (Hadoop's {@code fs.s3a.*}) may be listed too; they are never refused,
   * since Hadoop configurations carry the keys of every file system.
   */
  default Set<String> settingKeys() {
    return Set.of();
  }

  /**
   * Builds a store; called once per registry and kept for every location this provider serves.
   *
   * @throws IllegalArgumentException naming the setting, for a setting with a bad value (as {@link
   *     StorageSettings}' typed getters do); exporters report it as an invalid setting
   * @throws IOException when the store cannot be built for another reason
   */
  ObjectStore create(StorageSettings settings) throws IOException;
}
