package io.lakeexporter.emulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

/**
 * An upload body spooled to a temporary file, so that objects of any size reach storage with a
 * known length and never sit in memory; its MD5 is computed on the way.
 */
final class Spool implements AutoCloseable {

  final Path file;
  final long size;
  final String md5;
  final String contentType;

  private Spool(Path file, long size, String md5, String contentType) {
    this.file = file;
    this.size = size;
    this.md5 = md5;
    this.contentType = contentType;
  }

  static Spool of(InputStream body, String contentType) throws IOException {
    Path file = Files.createTempFile("lakefs-emulator-", ".upload");
    try (OutputStream out = Files.newOutputStream(file)) {
      MessageDigest md5 = md5();
      long size;
      try (var digest = new DigestOutputStream(out, md5)) {
        size = body.transferTo(digest);
      }
      return new Spool(file, size, HexFormat.of().formatHex(md5.digest()), contentType);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(file);
      throw e;
    }
  }

  /**
   * Spools the first file part ({@code content}, as the lakeFS SDK sends it) of a {@code
   * multipart/form-data} body, streaming through a boundary matcher.
   */
  static Spool ofMultipart(InputStream raw, String boundary) throws IOException {
    var in = new PushbackInputStream(raw, 8192);
    byte[] delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    // Skip the preamble up to the first boundary line.
    String first = readLine(in);
    while (first != null && !first.startsWith("--" + boundary)) {
      first = readLine(in);
    }
    if (first == null) {
      throw new EmulatorException(400, "multipart body has no part");
    }
    String partType = "application/octet-stream";
    String line;
    while ((line = readLine(in)) != null && !line.isEmpty()) {
      String lower = line.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-type:")) {
        partType = line.substring("content-type:".length()).strip();
      }
    }
    Path file = Files.createTempFile("lakefs-emulator-", ".upload");
    try (OutputStream out = Files.newOutputStream(file)) {
      MessageDigest md5 = md5();
      long size = 0;
      // Classic streaming search: keep a window the size of the delimiter.
      byte[] window = new byte[delimiter.length];
      int filled = 0;
      int b;
      var buffer = new byte[65536];
      int buffered = 0;
      while (true) {
        b = in.read();
        if (b < 0) {
          throw new EmulatorException(400, "multipart body ends before its closing boundary");
        }
        if (filled < window.length) {
          window[filled++] = (byte) b;
        } else {
          byte out0 = window[0];
          System.arraycopy(window, 1, window, 0, window.length - 1);
          window[window.length - 1] = (byte) b;
          buffer[buffered++] = out0;
          if (buffered == buffer.length) {
            out.write(buffer, 0, buffered);
            md5.update(buffer, 0, buffered);
            size += buffered;
            buffered = 0;
          }
        }
        if (filled == window.length && Arrays.equals(window, delimiter)) {
          break;
        }
      }
      out.write(buffer, 0, buffered);
      md5.update(buffer, 0, buffered);
      size += buffered;
      return new Spool(file, size, HexFormat.of().formatHex(md5.digest()), partType);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(file);
      throw e;
    }
  }

  private static String readLine(InputStream in) throws IOException {
    var line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int len =
            bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, len, StandardCharsets.UTF_8);
      }
      line.write(b);
      if (line.size() > 16_384) {
        throw new EmulatorException(400, "multipart header line too long");
      }
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
  }

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws IOException {
    Files.deleteIfExists(file);
  }
}
