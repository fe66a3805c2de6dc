package io.lakeexporter.storage.s3;

import io.lakeexporter.storage.BoundedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bytes a read asks for, and what an answer must show before its body is handed out as them.
 *
 * <p>A server or a cache in front of it may ignore {@code Range} and answer 200 with the whole
 * object, or answer a range that starts elsewhere. A part of a large copy read from such an answer
 * has the right length but another part's bytes, and nothing later notices: so an answer that does
 * not start at the asked offset is refused, and one that holds more than asked is cut to the asked
 * length.
 *
 * @param offset the first byte asked for
 * @param length how many bytes, or negative for all to the object's end
 */
record ByteRange(long offset, long length) {

  private static final Pattern CONTENT_RANGE =
      Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)", Pattern.CASE_INSENSITIVE);

  /** The {@code Range} header for these bytes, or {@code null} when they are the whole object. */
  String header() {
    if (offset == 0 && length < 0) {
      return null;
    }
    return "bytes=" + offset + "-" + (length < 0 ? "" : String.valueOf(offset + length - 1));
  }

  /**
   * How much of an answer's body are the asked bytes.
   *
   * @param status the answer's status, 200 or 206
   * @param contentRange its {@code Content-Range}, or {@code null}
   * @param contentLength its {@code Content-Length}, or negative when it has none
   * @return how many bytes of the body to hand out, or negative when the body is just the asked
   *     bytes as it is
   * @throws IOException naming the asked range and what came back, when the body does not start at
   *     the asked offset
   */
  long bytesToTake(int status, String contentRange, long contentLength) throws IOException {
    if (header() == null) {
      if (status != 200) {
        throw refused(status + " instead of 200");
      }
      return -1;
    }
    if (status == 200) {
      if (offset > 0) {
        throw refused(
            "200 with the whole object"
                + (contentLength < 0 ? "" : " (" + contentLength + " bytes)")
                + " instead of 206 with the range");
      }
      // The whole object from its first byte: the asked bytes are its beginning.
      return contentLength >= 0 && contentLength <= length ? -1 : length;
    }
    if (status != 206) {
      throw refused(status + " instead of 206 with the range");
    }
    if (contentRange == null) {
      throw refused("206 without a Content-Range");
    }
    Matcher m = CONTENT_RANGE.matcher(contentRange.strip());
    if (!m.matches()) {
      throw refused("206 with a malformed Content-Range '" + brief(contentRange) + "'");
    }
    long start;
    long end;
    try {
      start = Long.parseLong(m.group(1));
      end = Long.parseLong(m.group(2));
    } catch (NumberFormatException e) {
      throw refused("206 with a malformed Content-Range '" + brief(contentRange) + "'");
    }
    if (start != offset || end < start) {
      throw refused("206 with Content-Range " + brief(contentRange));
    }
    return length < 0 || end - start + 1 <= length ? -1 : length;
  }

  /** {@code body} cut to what {@link #bytesToTake} said. */
  static InputStream take(InputStream body, long bytes) {
    // Unwrapped when it already holds just the asked bytes: the fast path's body is also a
    // channel, which large downloads read into a direct buffer.
    return bytes < 0 ? body : new BoundedInputStream(body, bytes);
  }

  private IOException refused(String answer) {
    String asked = header() == null ? "the whole object" : header();
    return new IOException("asked for " + asked + " and the server answered " + answer);
  }

  private static String brief(String text) {
    return text.length() <= 80 ? text : text.substring(0, 80) + "...";
  }
}
