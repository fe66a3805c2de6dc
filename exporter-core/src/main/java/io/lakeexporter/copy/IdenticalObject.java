package io.lakeexporter.copy;

import io.lakeexporter.source.ObjectEntry;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectInfo;
import io.lakeexporter.storage.ObjectMetadata;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.StoreCapability;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Whether a destination holds an object's bytes already, for exports that skip identical objects.
 *
 * <p>Only proof counts: an object of the same size is left alone when a checksum shows the same
 * content, and copied otherwise. A wrong "identical" would leave stale bytes under a name the
 * status file calls exported, while a wrong "different" costs one copy; so every doubt copies. The
 * checks, in order:
 *
 * <ol>
 *   <li>the sizes differ, or lakeFS gives no checksum: copy (a size alone proves nothing);
 *   <li>both the lakeFS checksum and the destination's ETag are plain MD5s (S3 and lakeFS's local
 *       blockstore give one for an object written in one piece): they decide, both ways; so does
 *       the MD5 the store keeps of the object's bytes ({@link ObjectInfo#contentMd5}: Cloud
 *       Storage's, Azure's Content-MD5), whoever wrote it;
 *   <li>the destination object carries the lakeFS checksum an export wrote with it ({@value
 *       ObjectMetadata#LAKEFS_CHECKSUM_KEY}): it decides;
 *   <li>the destination's ETag equals the lakeFS checksum (an S3 multipart ETag, copied server-side
 *       with the parts it was made of): identical;
 *   <li>a store that keeps no metadata (a filesystem) and an MD5 checksum: the destination's bytes
 *       are read and hashed, which costs a read of the file instead of a copy over the network;
 *   <li>otherwise: copy.
 * </ol>
 */
public final class IdenticalObject {

  private IdenticalObject() {}

  /**
   * Whether {@code store} holds, at {@code target}, an object with the bytes of {@code entry}.
   *
   * @throws IOException when the destination could not be asked; a missing object is no error
   */
  public static boolean isAt(ObjectStore store, Location target, ObjectEntry entry)
      throws IOException {
    return isAt(store, target, entry, null);
  }

  /**
   * As {@link #isAt(ObjectStore, Location, ObjectEntry)}, with what a listing of the destination
   * showed at {@code target}: no object there settles it, and an entry whose size or MD5 ETag
   * decides spares the stat; null when the key was not listed.
   */
  public static boolean isAt(
      ObjectStore store, Location target, ObjectEntry entry, DestinationListing.Listed listed)
      throws IOException {
    String checksum = unquoted(entry.checksum());
    if (checksum.isEmpty()) {
      return false;
    }
    if (listed != null) {
      if (listed.info() == null) {
        return false;
      }
      Optional<Boolean> said = decide(listed.info(), entry.size(), checksum);
      if (said.isPresent()) {
        return said.get();
      }
      // A listing carries no metadata on most stores: the stat has the recorded checksum.
    }
    ObjectInfo there;
    try {
      there = store.stat(target);
    } catch (FileNotFoundException e) {
      return false;
    }
    Optional<Boolean> said = decide(there, entry.size(), checksum);
    if (said.isPresent()) {
      return said.get();
    }
    if (!store.capabilities().contains(StoreCapability.METADATA) && isMd5(checksum)) {
      return checksum.equalsIgnoreCase(md5Of(store, target, entry.size()));
    }
    return false;
  }

  /** What {@code there} shows without reading its bytes; empty when it cannot tell. */
  private static Optional<Boolean> decide(ObjectInfo there, long size, String checksum) {
    if (there.size() != size) {
      return Optional.of(false);
    }
    String etag = unquoted(there.etag());
    if (isMd5(checksum) && isMd5(etag)) {
      return Optional.of(checksum.equalsIgnoreCase(etag));
    }
    if (isMd5(checksum) && isMd5(there.contentMd5())) {
      return Optional.of(checksum.equalsIgnoreCase(there.contentMd5()));
    }
    String recorded = there.metadata().userMetadata().get(ObjectMetadata.LAKEFS_CHECKSUM_KEY);
    if (recorded != null) {
      return Optional.of(unquoted(recorded).equals(checksum));
    }
    return etag.equals(checksum) ? Optional.of(true) : Optional.empty();
  }

  /** Whether {@code text} reads as a hex MD5: 32 hex digits, nothing else. */
  static boolean isMd5(String text) {
    if (text.length() != 32) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      // ASCII only: Character.digit also takes the digits of other scripts.
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
        return false;
      }
    }
    return true;
  }

  private static String unquoted(String tag) {
    String t = tag.strip();
    return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")
        ? t.substring(1, t.length() - 1)
        : t;
  }

  private static String md5Of(ObjectStore store, Location target, long size) throws IOException {
    MessageDigest md5;
    try {
      md5 = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM offers no MD5", e);
    }
    try (InputStream in = new DigestInputStream(store.read(target, 0, size), md5)) {
      in.transferTo(OutputStream.nullOutputStream());
    } catch (FileNotFoundException gone) {
      return ""; // removed since its stat: nothing identical there
    }
    return HexFormat.of().formatHex(md5.digest());
  }
}
