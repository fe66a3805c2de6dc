package io.lakeexporter.storage.http;

import io.lakeexporter.storage.BoundedInputStream;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectInfo;
import io.lakeexporter.storage.ObjectMetadata;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.RequestRefusedException;
import io.lakeexporter.storage.StoreCapability;
import io.lakeexporter.storage.UnsupportedStoreOperationException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads objects from plain HTTP(S) URLs with ranged GETs: presigned URLs of S3, GCS or Azure. It
 * sends no credentials: the URL carries them, so it never appears in messages (only {@link
 * Location#toString()}, which hides the query). Read-only.
 *
 * <p>Stat is a GET of the first byte, not a HEAD: presigned URLs are signed for GET only.
 */
public final class HttpReadStore implements ObjectStore {

  private final Duration connectTimeout;
  private final Duration timeout;
  private HttpClient client; // built on first use: most exports read no presigned URL

  public HttpReadStore(Duration connectTimeout, Duration requestTimeout) {
    this.connectTimeout = connectTimeout;
    this.timeout = requestTimeout;
  }

  /** The JDK client sets up TLS when it is built (~50 ms), whether or not it is ever used. */
  private synchronized HttpClient client() {
    if (client == null) {
      client =
          HttpClient.newBuilder()
              .connectTimeout(connectTimeout)
              .followRedirects(HttpClient.Redirect.NORMAL)
              .build();
    }
    return client;
  }

  @Override
  public String name() {
    return "http";
  }

  @Override
  public Set<StoreCapability> capabilities() {
    return Set.of();
  }

  @Override
  public ObjectInfo stat(Location location) throws IOException {
    HttpResponse<InputStream> response = get(location, "bytes=0-0");
    try (InputStream body = response.body()) {
      body.transferTo(OutputStream.nullOutputStream());
    }
    int code = response.statusCode();
    long size;
    if (code == 206) {
      String range = response.headers().firstValue("Content-Range").orElse("");
      int slash = range.lastIndexOf('/');
      if (slash < 0 || range.endsWith("*")) {
        throw new IOException("no object size in the answer from " + location);
      }
      size = Long.parseLong(range.substring(slash + 1).strip());
    } else if (code == 416) {
      size = 0; // an empty object has no first byte
    } else if (code == 200) {
      size = response.headers().firstValueAsLong("Content-Length").orElse(-1);
      if (size < 0) {
        throw new IOException("no object size in the answer from " + location);
      }
    } else {
      throw failure(code, location);
    }
    String type = response.headers().firstValue("Content-Type").orElse("");
    String etag = response.headers().firstValue("ETag").orElse("");
    Instant modified =
        response
            .headers()
            .firstValue("Last-Modified")
            .map(HttpReadStore::parseDate)
            .orElse(Instant.EPOCH);
    return new ObjectInfo(location, size, modified, etag, new ObjectMetadata(type, Map.of()));
  }

  @Override
  public InputStream read(Location location, long offset, long length) throws IOException {
    if (length == 0) {
      return InputStream.nullInputStream();
    }
    String range =
        offset == 0 && length < 0
            ? null
            : "bytes=" + offset + "-" + (length < 0 ? "" : String.valueOf(offset + length - 1));
    HttpResponse<InputStream> response = get(location, range);
    int code = response.statusCode();
    if (code == 200 && (range == null || offset == 0)) {
      InputStream body = response.body();
      return length < 0 ? body : new BoundedInputStream(body, length);
    }
    if (code == 206) {
      return response.body();
    }
    response.body().close();
    if (code == 200) {
      throw new IOException(location + " ignored the range " + range);
    }
    if (code == 416 && offset == 0) {
      return InputStream.nullInputStream();
    }
    throw failure(code, location);
  }

  @Override
  public void write(Location location, InputStream data, long size, ObjectMetadata metadata)
      throws IOException {
    throw new UnsupportedStoreOperationException(name(), "write", location);
  }

  @Override
  public List<DeleteFailure> delete(Collection<Location> locations) throws IOException {
    throw new UnsupportedStoreOperationException(
        name(),
        "delete",
        locations.isEmpty() ? new Location("http", "-", "") : locations.iterator().next());
  }

  @Override
  public Stream<ObjectInfo> list(Location prefix) throws IOException {
    throw new UnsupportedStoreOperationException(name(), "list", prefix);
  }

  @Override
  public void close() {}

  private HttpResponse<InputStream> get(Location location, String range) throws IOException {
    HttpRequest.Builder request = HttpRequest.newBuilder(toUri(location)).timeout(timeout).GET();
    if (range != null) {
      request.header("Range", range);
    }
    try {
      return client().send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted reading " + location);
    } catch (IOException e) {
      // The JDK client's messages may hold the URL; say only the redacted location.
      throw new IOException("cannot read " + location + ": " + e.getClass().getSimpleName());
    }
  }

  private static URI toUri(Location location) throws IOException {
    try {
      return location.toUri();
    } catch (IllegalArgumentException e) {
      throw new IOException("not a valid URL: " + location);
    }
  }

  private static IOException failure(int code, Location location) {
    if (code == 404) {
      return new FileNotFoundException("no object at " + location + " (404)");
    }
    if (code == 401 || code == 403) {
      return new RequestRefusedException(
          "access denied reading "
              + location
              + " ("
              + code
              + "); the presigned URL may have expired");
    }
    if (RequestRefusedException.isRefusal(code)) {
      return new RequestRefusedException("reading " + location + " was refused with HTTP " + code);
    }
    return new IOException("reading " + location + " failed with HTTP " + code);
  }

  private static Instant parseDate(String value) {
    try {
      return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (RuntimeException e) {
      return Instant.EPOCH;
    }
  }
}
