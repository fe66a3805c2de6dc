package io.lakeexporter.report;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.lakeexporter.copy.RetryPolicy;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectInfo;
import io.lakeexporter.storage.ObjectStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Whether a destination holds the export a diff starts from. A diff from commit P writes only what
 * changed from P to the branch HEAD, so its {@code SUCCESS} file is true only where the destination
 * held P's export before it: anywhere else it would leave objects of whatever the destination held,
 * and miss what that lacked, under a status file that calls it the HEAD's export.
 *
 * <p>The status files at the root tell, the newest (by the store's modification time) deciding. A
 * diff may start where it is:
 *
 * <ul>
 *   <li>{@code EXPORT_<P>_SUCCESS}: the destination holds P;
 *   <li>{@code EXPORT_<H>_SUCCESS}, of the HEAD it exports: a diff writes only H's objects and
 *       removes only keys H lacks, so it can bring the destination no further from H;
 *   <li>a {@code FAILURE} file of a diff from P (to H or to an earlier HEAD): an attempt from the
 *       same start that stopped part-way, as a scheduled job retries after a failed run. Its copies
 *       are rewritten or deleted by this diff wherever the HEAD changed the key since P; a key that
 *       attempt changed and a later commit changed back keeps what that attempt wrote, which a
 *       warning says.
 * </ul>
 *
 * Anything else (no status file at all, the newest of another commit, a failed full export) is a
 * problem the caller refuses the diff for.
 */
public final class PreviousExport {

  private static final Pattern STATUS_NAME = Pattern.compile("EXPORT_(.+)_(SUCCESS|FAILURE)");

  /** Enough of any status file's head for its mode and previous commit, which come first. */
  private static final int HEAD_BYTES = 64 << 10;

  private PreviousExport() {}

  /**
   * What the root's newest status file says of a diff from {@code previous} to {@code head}.
   *
   * @throws IOException when the root's status files could not be listed, or the one that decides
   *     could not be read
   */
  public static Verdict of(
      ObjectStore store, Location root, String previous, String head, RetryPolicy retry)
      throws IOException {
    Optional<Found> newest = retry.run(() -> newest(store, root)).value();
    if (newest.isEmpty()) {
      return Verdict.refused(
          root
              + " holds no status file of an earlier export (EXPORT_<commit>_SUCCESS), so nothing"
              + " shows it holds commit "
              + previous
              + ", which a diff from it needs: it would write only what changed since then."
              + " Export commit "
              + head
              + " in full first, or give the commit of the export this destination holds");
    }
    Found found = newest.get();
    if (found.succeeded() && (found.commitId().equals(previous) || found.commitId().equals(head))) {
      return Verdict.ALLOWED;
    }
    if (found.succeeded()) {
      return Verdict.refused(
          "the newest export at "
              + root
              + " is of commit "
              + found.commitId()
              + found.written()
              + ", not of "
              + previous
              + ": a diff from "
              + previous
              + " would leave what that commit holds and "
              + head
              + " lacks. Diff from "
              + found.commitId()
              + ", the commit this destination holds");
    }
    if (found.commitId().equals(previous)) {
      return Verdict.refused(
          "the newest export at "
              + root
              + found.written()
              + ", of commit "
              + previous
              + " itself, failed part-way: the destination holds only part of it, and a diff"
              + " from it writes only what changed since. Run that export again until it"
              + " succeeds, or export commit "
              + head
              + " in full");
    }
    String from = retry.run(() -> diffStart(store, found.info())).value();
    if (from.equals(previous)) {
      return Verdict.allowed(
          "the last export at "
              + root
              + ", a diff from "
              + previous
              + " to "
              + found.commitId()
              + ", failed part-way ("
              + found.info().location()
              + "): this diff rewrites or removes every key changed since "
              + previous
              + "; a key that export wrote and a later commit changed back to its "
              + previous
              + " version keeps what it wrote");
    }
    return Verdict.refused(
        "the newest export at "
            + root
            + found.written()
            + " failed part-way, "
            + (from.isEmpty()
                ? "and was no diff from " + previous
                : "and was a diff from " + from + ", not from " + previous)
            + ": the destination holds part of commit "
            + found.commitId()
            + ", from which a diff from "
            + previous
            + " would leave objects. Run that export again until it succeeds, or export commit "
            + head
            + " in full");
  }

  /** The newest status file directly under {@code root}, if any. */
  private static Optional<Found> newest(ObjectStore store, Location root) throws IOException {
    try (Stream<ObjectInfo> listed = store.list(root.child("EXPORT_"))) {
      return listed
          .map(info -> found(root, info))
          .flatMap(Optional::stream)
          .max(
              Comparator.comparing((Found f) -> f.info().lastModified())
                  // Written in the same instant (a coarse clock): a success outranks a failure.
                  .thenComparing(Found::succeeded));
    }
  }

  private static Optional<Found> found(Location root, ObjectInfo info) {
    String name = info.location().name();
    Matcher m = STATUS_NAME.matcher(name);
    // Only files at the root: a key EXPORT_x/... is the commit's (and refused by name).
    if (!m.matches() || !root.child(name).path().equals(info.location().path())) {
      return Optional.empty();
    }
    return Optional.of(new Found(info, m.group(1), m.group(2).equals("SUCCESS")));
  }

  /**
   * The commit a failed export's diff started from, read from its status file; empty for any other
   * export, or a file not this exporter's JSON.
   */
  private static String diffStart(ObjectStore store, ObjectInfo status) throws IOException {
    byte[] head;
    try (InputStream in = store.read(status.location(), 0, -1)) {
      head = in.readNBytes(HEAD_BYTES);
    }
    try (var json = new JsonReader(new InputStreamReader(new ByteArrayInputStream(head), UTF_8))) {
      if (json.peek() != JsonToken.BEGIN_OBJECT) {
        return "";
      }
      json.beginObject();
      String mode = null;
      String previous = null;
      while (json.hasNext() && (mode == null || previous == null)) {
        String field = json.nextName();
        if (json.peek() == JsonToken.STRING && field.equals("mode")) {
          mode = json.nextString();
        } else if (json.peek() == JsonToken.STRING && field.equals("previous_commit_id")) {
          previous = json.nextString();
        } else {
          json.skipValue();
        }
      }
      return "diff".equals(mode) && previous != null ? previous : "";
    } catch (IOException | RuntimeException e) {
      // Not JSON (another tool's file of that name), or cut short before both fields: no diff.
      return "";
    }
  }

  /** A status file at the root: whose commit, and whether it tells of a success. */
  private record Found(ObjectInfo info, String commitId, boolean succeeded) {
    /** " (its location, written its time)", as the messages name it. */
    String written() {
      return " (" + info.location() + ", written " + info.lastModified() + ")";
    }
  }

  /**
   * Whether the diff may run; {@code said} says why not, or (when allowed) what to warn of, or is
   * empty.
   */
  public record Verdict(boolean allowed, String said) {
    static final Verdict ALLOWED = new Verdict(true, "");

    static Verdict allowed(String warning) {
      return new Verdict(true, warning);
    }

    static Verdict refused(String why) {
      return new Verdict(false, why);
    }
  }
}
