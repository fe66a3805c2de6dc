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
 *       blockstore give one for an object written in one piece): they decide, both ways;
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
    String checksum = unquoted(entry.checksum());
    if (checksum.isEmpty()) {
      return false;
    }
    ObjectInfo there;
    try {
      there = store.stat(target);
    } catch (FileNotFoundException e) {
      return false;
    }
    if (there.size() != entry.size()) {
      return false;
    }
    String etag = unquoted(there.etag());
    if (isMd5(checksum) && isMd5(etag)) {
      return checksum.equalsIgnoreCase(etag);
    }
    String recorded = there.metadata().userMetadata().get(ObjectMetadata.LAKEFS_CHECKSUM_KEY);
    if (recorded != null) {
      return unquoted(recorded).equals(checksum);
    }
    if (etag.equals(checksum)) {
      return true;
    }
    if (!store.capabilities().contains(StoreCapability.METADATA) && isMd5(checksum)) {
      return checksum.equalsIgnoreCase(md5Of(store, target, entry.size()));
    }
    return false;
  }

  /** Whether {@code text} reads as a hex MD5: 32 hex digits, nothing else. */
  static boolean isMd5(String text) {
    if (text.length() != 32) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      if (Character.digit(text.charAt(i), 16) < 0) {
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
