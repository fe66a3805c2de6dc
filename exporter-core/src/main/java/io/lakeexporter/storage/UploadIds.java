package io.lakeexporter.storage;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Properties;
import java.util.UUID;

/**
 * Upload ids for stores whose multipart uploads live only on the client side (Azure staged blocks,
 * GCS composed parts): a random key, then the metadata the final commit sets, so that any worker
 * can resume an upload, and complete it, from the id alone.
 */
public final class UploadIds {

  /** The random key's length. */
  public static final int KEY_LENGTH = 16;

  private static final String TYPE = "\u0000content-type";

  private UploadIds() {}

  public static String newId(ObjectMetadata metadata) {
    var p = new Properties();
    p.setProperty(TYPE, metadata.contentType());
    metadata.userMetadata().forEach(p::setProperty);
    var text = new StringWriter();
    try {
      p.store(text, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String key = UUID.randomUUID().toString().replace("-", "").substring(0, KEY_LENGTH);
    return key
        + "."
        + Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(text.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The random key of {@code uploadId}.
   *
   * @throws IOException when it is not an id made by {@link #newId}
   */
  public static String key(String uploadId) throws IOException {
    if (uploadId.indexOf('.') != KEY_LENGTH) {
      throw new IOException("not an upload id of this store: " + uploadId);
    }
    return uploadId.substring(0, KEY_LENGTH);
  }

  /** The metadata {@code uploadId} carries. */
  public static ObjectMetadata metadata(String uploadId) throws IOException {
    key(uploadId);
    var p = new Properties();
    try {
      byte[] text = Base64.getUrlDecoder().decode(uploadId.substring(KEY_LENGTH + 1));
      p.load(new StringReader(new String(text, StandardCharsets.UTF_8)));
    } catch (IllegalArgumentException e) {
      throw new IOException("not an upload id of this store: " + uploadId);
    }
    var user = new HashMap<String, String>();
    p.stringPropertyNames().stream()
        .filter(k -> !k.equals(TYPE))
        .forEach(k -> user.put(k, p.getProperty(k)));
    return new ObjectMetadata(p.getProperty(TYPE, ""), user);
  }
}
