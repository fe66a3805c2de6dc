package io.lakeexporter.storage.http;

import io.lakeexporter.storage.BoundedInputStream;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.NamedReadFailures;
import io.lakeexporter.storage.ObjectInfo;
import io.lakeexporter.storage.ObjectMetadata;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.RequestRefusedException;
import io.lakeexporter.storage.StoreCapability;
import io.lakeexporter.storage.UnsupportedStoreOperationException;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads objects from plain HTTP(S) URLs with ranged GETs: presigned URLs of S3, GCS or Azure. It
 * sends no credentials: the URL carries them, so it never appears in messages (only {@link
 * Location#toString()}, which hides the query). Read-only.
 *
 * <p>Stat is a GET of the first byte, not a HEAD: presigned URLs are signed for GET only.
 *
 * <p>Over {@link HttpURLConnection} (which keeps connections alive between requests) rather than
 * the JDK's {@code HttpClient}, whose answer bodies wait for their next bytes without a limit: a
 * server that stalls part-way through an answer must fail the read, not hold the export forever.
 */
public final class HttpReadStore implements ObjectStore {

  /** How long a read waits for an answer, or for its next bytes, unless told otherwise. */
  public static final Duration READ_TIMEOUT = Duration.ofMinutes(2);

  private final int connectTimeoutMillis;
  private final int readTimeoutMillis;
  private final Duration readTimeout;

  /**
   * @param connectTimeout how long a connection may take to open
   * @param readTimeout how long an answer may keep the reader waiting for its headers or for its
   *     next bytes
   */
  public HttpReadStore(Duration connectTimeout, Duration readTimeout) {
    this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
    this.readTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis());
    this.readTimeout = readTimeout;
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
    Answer response = get(location, "bytes=0-0");
    try (InputStream body = response.body()) {
      body.transferTo(OutputStream.nullOutputStream());
    }
    int code = response.status();
    long size;
    if (code == 206) {
      String range = response.header("Content-Range").orElse("");
      int slash = range.lastIndexOf('/');
      if (slash < 0 || range.endsWith("*")) {
        throw new IOException("no object size in the answer from " + location);
      }
      size = Long.parseLong(range.substring(slash + 1).strip());
    } else if (code == 416) {
      size = 0; // an empty object has no first byte
    } else if (code == 200) {
      size = response.header("Content-Length").map(HttpReadStore::parseLong).orElse(-1L);
      if (size < 0) {
        throw new IOException("no object size in the answer from " + location);
      }
    } else {
      throw failure(code, location);
    }
    String type = response.header("Content-Type").orElse("");
    String etag = response.header("ETag").orElse("");
    Instant modified =
        response.header("Last-Modified").map(HttpReadStore::parseDate).orElse(Instant.EPOCH);
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
    Answer response = get(location, range);
    int code = response.status();
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

  /** An answer's status, headers and body, whose failures say where it broke off. */
  private record Answer(int status, HttpURLConnection connection, InputStream body) {
    Optional<String> header(String name) {
      return Optional.ofNullable(connection.getHeaderField(name));
    }
  }

  private Answer get(Location location, String range) throws IOException {
    var connection = (HttpURLConnection) toUri(location).toURL().openConnection();
    connection.setConnectTimeout(connectTimeoutMillis);
    connection.setReadTimeout(readTimeoutMillis);
    connection.setInstanceFollowRedirects(true);
    connection.setUseCaches(false);
    if (range != null) {
      connection.setRequestProperty("Range", range);
    }
    try {
      int status = connection.getResponseCode();
      InputStream body = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
      long announced = connection.getContentLengthLong();
      return new Answer(
          status,
          connection,
          NamedReadFailures.of(
              body == null ? InputStream.nullInputStream() : body,
              announced,
              (e, read) -> brokeOff(e, location, read, announced)));
    } catch (IOException e) {
      connection.disconnect();
      throw said(e, location, "cannot read " + location);
    }
  }

  /**
   * {@code e} in words that name the redacted location: the JDK's own messages may hold the URL,
   * signature and all.
   */
  private IOException said(IOException e, Location location, String what) {
    if (e instanceof SocketTimeoutException) {
      // The JDK's words here are "Connect timed out" or "Read timed out", no more.
      boolean connecting =
          String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("connect");
      return new SocketTimeoutException(
          what
              + (connecting
                  ? ": no connection within " + shown(Duration.ofMillis(connectTimeoutMillis))
                  : ": nothing came for " + shown(readTimeout))
              + " (timed out)");
    }
    return NamedReadFailures.sameKind(
        e,
        what
            + (e instanceof InterruptedIOException
                ? ": interrupted"
                : ": " + e.getClass().getSimpleName()));
  }

  /** A body's failure after {@code read} bytes, or its end before the {@code announced} length. */
  private IOException brokeOff(IOException e, Location location, long read, long announced) {
    String brokeOff = "the answer from " + location + " broke off after " + read + " bytes";
    return e instanceof EOFException
        ? new IOException(brokeOff + " of the " + announced + " it announced")
        : said(e, location, brokeOff);
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

  private static String shown(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  private static long parseLong(String value) {
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static Instant parseDate(String value) {
    try {
      return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (RuntimeException e) {
      return Instant.EPOCH;
    }
  }
}
