package io.lakeexporter.copy;

import io.lakeexporter.source.ObjectEntry;
import io.lakeexporter.storage.Location;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * The object to copy and how to reach it.
 *
 * @param entry what lakeFS says of it
 * @param location its storage or presigned location when the exporter reads it directly; empty when
 *     it is read through the lakeFS API (then no server-side copy is possible)
 * @param reader opens its byte ranges
 */
public record CopySource(ObjectEntry entry, Optional<Location> location, SourceReader reader) {

  public CopySource {
    Objects.requireNonNull(entry, "entry is null");
    Objects.requireNonNull(location, "location is null");
    Objects.requireNonNull(reader, "reader is null");
  }

  /** The source in messages: its lakeFS path and its address, without a signature. */
  public String named() {
    return "'" + entry.path() + "' (" + entry.redactedAddress() + ")";
  }

  /**
   * The failure of a copy whose source held more bytes than lakeFS records (an imported object
   * rewritten where it lies): it is not cut to the recorded size and counted copied.
   */
  public IOException longerThanRecorded() {
    return new IOException(
        named() + ": the source holds more than the declared " + entry.size() + " bytes");
  }

  /**
   * The failure of a copy whose source ends before the size lakeFS records (an imported object
   * rewritten shorter where it lies): a copy in ranges would take what each range finds there, on a
   * store that stages a short range as it comes, and count the object copied.
   */
  public IOException shorterThanRecorded() {
    return new IOException(
        named() + ": the source holds fewer than the declared " + entry.size() + " bytes");
  }
}
