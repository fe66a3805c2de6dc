package io.lakeexporter.storage.s3.wire;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An answer whose head has arrived. Read the body to its end (the connection then serves the next
 * request) or close it (the connection is dropped).
 *
 * @param status the status code
 * @param headers header values by lower-case name; repeated headers joined with commas
 * @param body the body, framed as the server announced it
 */
public record Http11Response(int status, Map<String, String> headers, InputStream body) {

  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
  }

  /**
   * The whole body as text, at most {@code limit} bytes of it; a longer body is cut there and its
   * connection dropped.
   */
  public String bodyText(int limit) throws IOException {
    try (InputStream in = body) {
      return new String(in.readNBytes(limit), StandardCharsets.UTF_8);
    }
  }
}
