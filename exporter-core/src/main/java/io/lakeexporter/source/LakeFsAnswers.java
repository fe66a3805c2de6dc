package io.lakeexporter.source;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.lakeexporter.source.LakeFsClient.CommitInfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads lakeFS's JSON answers field by field with a streaming reader into the exporter's own
 * records. Fields a newer lakeFS adds are skipped. No reflection: the JSON mapper's reflective
 * set-up for the SDK's models cost an export's start 40-60 ms before its first copy.
 *
 * <p>Malformed answers throw {@link IOException}, {@link IllegalStateException} (a value of the
 * wrong kind) or {@link NumberFormatException} (a number that is not one); the client names the
 * request in its error.
 */
final class LakeFsAnswers {

  private LakeFsAnswers() {}

  /** {@code ObjectStatsList}: {@code {"pagination": {...}, "results": [ObjectStats...]}}. */
  static ListingPage listingPage(byte[] json) throws IOException {
    try (JsonReader in = reader(json)) {
      List<ListingPage.Stats> entries = List.of();
      Pagination pagination = Pagination.LAST;
      in.beginObject();
      while (in.hasNext()) {
        switch (in.nextName()) {
          case "results" -> {
            entries = new ArrayList<>();
            in.beginArray();
            while (in.hasNext()) {
              entries.add(stats(in));
            }
            in.endArray();
          }
          case "pagination" -> pagination = pagination(in);
          default -> in.skipValue();
        }
      }
      in.endObject();
      return new ListingPage(entries, pagination.hasMore(), pagination.nextOffset());
    }
  }

  /** One {@code ObjectStats}, the answer of {@code statObject}. */
  static ListingPage.Stats objectStats(byte[] json) throws IOException {
    try (JsonReader in = reader(json)) {
      return stats(in);
    }
  }

  /** A {@code Commit}: id, message, creation date, parents. */
  static CommitInfo commit(byte[] json) throws IOException {
    try (JsonReader in = reader(json)) {
      String id = null;
      String message = null;
      Long created = null;
      List<String> parents = List.of();
      in.beginObject();
      while (in.hasNext()) {
        switch (in.nextName()) {
          case "id" -> id = string(in);
          case "message" -> message = string(in);
          case "creation_date" -> created = number(in);
          case "parents" -> parents = strings(in);
          default -> in.skipValue();
        }
      }
      in.endObject();
      if (id == null) {
        throw new IOException("a commit without an id");
      }
      return new CommitInfo(
          id,
          message == null ? "" : message,
          created == null ? Instant.EPOCH : Instant.ofEpochSecond(created),
          parents);
    }
  }

  /** The {@code commit_id} of a {@code Ref} (a branch). */
  static String branchCommitId(byte[] json) throws IOException {
    return requiredString(json, "commit_id", "a branch");
  }

  /** The {@code storage_namespace} of a {@code Repository}. */
  static String storageNamespace(byte[] json) throws IOException {
    return requiredString(json, "storage_namespace", "a repository");
  }

  /** The string field {@code name} of the object {@code json}, which {@code what} must have. */
  private static String requiredString(byte[] json, String name, String what) throws IOException {
    try (JsonReader in = reader(json)) {
      String value = null;
      in.beginObject();
      while (in.hasNext()) {
        if (in.nextName().equals(name)) {
          value = string(in);
        } else {
          in.skipValue();
        }
      }
      in.endObject();
      if (value == null) {
        throw new IOException(what + " without a " + name);
      }
      return value;
    }
  }

  /**
   * A {@code DiffList} page, objects only (common prefixes are left out).
   *
   * @throws UnappliableChange for a change type an export cannot apply, e.g. {@code conflict}
   */
  static Paged.Page<DiffEntry> diffPage(byte[] json) throws IOException {
    try (JsonReader in = reader(json)) {
      var entries = new ArrayList<DiffEntry>();
      Pagination pagination = Pagination.LAST;
      in.beginObject();
      while (in.hasNext()) {
        switch (in.nextName()) {
          case "results" -> {
            in.beginArray();
            while (in.hasNext()) {
              DiffEntry entry = diff(in);
              if (entry != null) {
                entries.add(entry);
              }
            }
            in.endArray();
          }
          case "pagination" -> pagination = pagination(in);
          default -> in.skipValue();
        }
      }
      in.endObject();
      return new Paged.Page<>(entries, pagination.hasMore(), pagination.nextOffset());
    }
  }

  /** One {@code Diff}, or {@code null} for a common prefix. */
  private static DiffEntry diff(JsonReader in) throws IOException {
    String type = null;
    String path = null;
    String pathType = null;
    Long size = null;
    in.beginObject();
    while (in.hasNext()) {
      switch (in.nextName()) {
        case "type" -> type = string(in);
        case "path" -> path = string(in);
        case "path_type" -> pathType = string(in);
        case "size_bytes" -> size = number(in);
        default -> in.skipValue();
      }
    }
    in.endObject();
    if (!"object".equals(pathType)) {
      return null;
    }
    if (path == null) {
      throw new IOException("a diff entry without a path");
    }
    DiffEntry.Type kind =
        switch (type == null ? "" : type) {
          case "added" -> DiffEntry.Type.ADDED;
          case "removed" -> DiffEntry.Type.REMOVED;
          case "changed" -> DiffEntry.Type.CHANGED;
          default -> throw new UnappliableChange(type, path);
        };
    return new DiffEntry(kind, path, size == null ? 0 : size);
  }

  /** A change in a diff that is neither an addition, a removal nor a change of an object. */
  static final class UnappliableChange extends RuntimeException {
    UnappliableChange(String type, String path) {
      super("a '" + type + "' change to " + path + ", which an export cannot apply");
    }
  }

  private static ListingPage.Stats stats(JsonReader in) throws IOException {
    String path = null;
    String pathType = null;
    String physicalAddress = null;
    String checksum = null;
    Long mtime = null;
    Long size = null;
    String contentType = null;
    Map<String, String> metadata = null;
    in.beginObject();
    while (in.hasNext()) {
      switch (in.nextName()) {
        case "path" -> path = string(in);
        case "path_type" -> pathType = string(in);
        case "physical_address" -> physicalAddress = string(in);
        case "checksum" -> checksum = string(in);
        case "mtime" -> mtime = number(in);
        case "size_bytes" -> size = number(in);
        case "content_type" -> contentType = string(in);
        case "metadata" -> metadata = stringMap(in);
        default -> in.skipValue();
      }
    }
    in.endObject();
    if (path == null) {
      throw new IOException("an object without a path");
    }
    return new ListingPage.Stats(
        path, pathType, physicalAddress, checksum, mtime, size, contentType, metadata);
  }

  /** Where the next page starts. */
  private record Pagination(boolean hasMore, String nextOffset) {
    static final Pagination LAST = new Pagination(false, "");
  }

  private static Pagination pagination(JsonReader in) throws IOException {
    boolean hasMore = false;
    String next = null;
    in.beginObject();
    while (in.hasNext()) {
      switch (in.nextName()) {
        case "has_more" -> {
          if (in.peek() == JsonToken.NULL) {
            in.nextNull();
          } else {
            hasMore = in.nextBoolean();
          }
        }
        case "next_offset" -> next = string(in);
        default -> in.skipValue();
      }
    }
    in.endObject();
    return new Pagination(hasMore, next == null ? "" : next);
  }

  private static JsonReader reader(byte[] json) {
    return new JsonReader(
        new InputStreamReader(new ByteArrayInputStream(json), StandardCharsets.UTF_8));
  }

  private static String string(JsonReader in) throws IOException {
    if (in.peek() == JsonToken.NULL) {
      in.nextNull();
      return null;
    }
    return in.nextString();
  }

  private static Long number(JsonReader in) throws IOException {
    if (in.peek() == JsonToken.NULL) {
      in.nextNull();
      return null;
    }
    return in.nextLong();
  }

  private static List<String> strings(JsonReader in) throws IOException {
    if (in.peek() == JsonToken.NULL) {
      in.nextNull();
      return List.of();
    }
    var list = new ArrayList<String>();
    in.beginArray();
    while (in.hasNext()) {
      list.add(in.nextString());
    }
    in.endArray();
    return List.copyOf(list);
  }

  private static Map<String, String> stringMap(JsonReader in) throws IOException {
    if (in.peek() == JsonToken.NULL) {
      in.nextNull();
      return null;
    }
    var map = new LinkedHashMap<String, String>();
    in.beginObject();
    while (in.hasNext()) {
      String key = in.nextName();
      String value = string(in);
      map.put(key, value == null ? "" : value);
    }
    in.endObject();
    return map;
  }
}
