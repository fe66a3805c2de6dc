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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
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
 * <p>The status files at the root tell, the newest deciding: by the store's modification time, and
 * within one second (S3 keeps no finer time, and a copy of the files may give them all one) by the
 * {@code finished_at} they hold. A diff may start where it is:
 *
 * <ul>
 *   <li>{@code EXPORT_<P>_SUCCESS}: the destination holds P;
 *   <li>{@code EXPORT_<H>_SUCCESS}, of the HEAD it exports: a diff writes only H's objects and
 *       removes only keys H lacks, so it can bring the destination no further from H;
 *   <li>a {@code FAILURE} file of a diff from P to a commit X: an attempt from the same start that
 *       stopped part-way, as a scheduled job retries after a failed run. The destination holds P's
 *       version or X's of each key; the diff then runs from X too ({@link Verdict#stoppedExports}).
 * </ul>
 *
 * An export that left its lease behind (killed part-way, so no status file) counts the same way: it
 * wrote part of its commit over what the newest status file tells of. Anything else (no status file
 * at all, the newest of another commit, a failed full export) is a problem the caller refuses the
 * diff for. A status file named with a commit id's prefix (by another tool) stands for that commit.
 */
public final class PreviousExport {

  private static final Pattern STATUS_NAME = Pattern.compile("EXPORT_(.+)_(SUCCESS|FAILURE)");

  /** Enough of any status file's head for its mode, commits and times, which come first. */
  private static final int HEAD_BYTES = 64 << 10;

  /** The shortest commit id prefix a status file's name may give (as git abbreviates). */
  private static final int SHORTEST_PREFIX = 7;

  private PreviousExport() {}

  /**
   * What the root's newest status file says of a diff from {@code previous} to {@code head}.
   *
   * @param leftLease the commits of an export that left its lease at the root, gone part-way (its
   *     own, then those its diff ran from too), or none
   * @throws IOException when the root's status files could not be listed, or one that decides could
   *     not be read
   */
  public static Verdict of(
      ObjectStore store,
      Location root,
      String previous,
      String head,
      List<String> leftLease,
      RetryPolicy retry)
      throws IOException {
    Optional<Found> newest = retry.run(() -> newest(store, root, retry)).value();
    String cutOff =
        leftLease.isEmpty()
            ? ""
            : "; an export of commit " + leftLease.get(0) + " was cut off there since, part-way";
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
    if (found.succeeded() && (found.isOf(previous) || found.isOf(head))) {
      return Verdict.allowed(
          leftLease,
          leftLease.isEmpty()
              ? ""
              : "the diff from "
                  + previous
                  + " to "
                  + head
                  + " at "
                  + root
                  + " also runs from commit "
                  + leftLease.get(0)
                  + ", whose export was cut off there part-way");
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
              + cutOff
              + ": a diff from "
              + previous
              + " would leave what that commit holds and "
              + head
              + " lacks. Diff from "
              + found.commitId()
              + ", the commit this destination holds");
    }
    if (found.isOf(previous)) {
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
    String from = found.head(store, retry).diffFrom();
    if (from.equals(previous)) {
      // That attempt's commit, those it ran from itself (a retry of a retry), a cut-off one's.
      var both = new ArrayList<String>();
      both.add(found.head(store, retry).commitId(found.commitId()));
      both.addAll(found.head(store, retry).alsoFrom());
      both.addAll(leftLease);
      return Verdict.allowed(
          both,
          "the last export at "
              + root
              + ", a diff from "
              + previous
              + " to "
              + found.commitId()
              + ", failed part-way ("
              + found.info().location()
              + ")"
              + cutOff
              + ": this diff to "
              + head
              + " also runs from there, so that every key it changed ends as "
              + head
              + " has it");
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
  private static Optional<Found> newest(ObjectStore store, Location root, RetryPolicy retry)
      throws IOException {
    Found newest = null;
    try (Stream<ObjectInfo> listed = store.list(root.child("EXPORT_"))) {
      Iterator<Found> files =
          listed.map(info -> found(root, info)).flatMap(Optional::stream).iterator();
      while (files.hasNext()) {
        Found f = files.next();
        if (newest == null || f.isNewerThan(newest, store, retry)) {
          newest = f;
        }
      }
    }
    return Optional.ofNullable(newest);
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
   * The head of a status file: its mode, commits and finish time, as this exporter writes them;
   * nothing of a file that is not its JSON (another tool's of that name).
   */
  private static Head headOf(ObjectStore store, ObjectInfo status) throws IOException {
    byte[] bytes;
    try (InputStream in = store.read(status.location(), 0, -1)) {
      bytes = in.readNBytes(HEAD_BYTES);
    }
    String mode = "";
    String previous = "";
    String commit = "";
    var alsoFrom = new ArrayList<String>();
    Instant finished = null;
    try (var json = new JsonReader(new InputStreamReader(new ByteArrayInputStream(bytes), UTF_8))) {
      if (json.peek() == JsonToken.BEGIN_OBJECT) {
        json.beginObject();
        while (json.hasNext() && finished == null) {
          String field = json.nextName();
          if (field.equals("also_from") && json.peek() == JsonToken.BEGIN_ARRAY) {
            json.beginArray();
            while (json.hasNext()) {
              alsoFrom.add(json.nextString());
            }
            json.endArray();
            continue;
          }
          if (json.peek() != JsonToken.STRING) {
            json.skipValue();
            continue;
          }
          String value = json.nextString();
          switch (field) {
            case "mode" -> mode = value;
            case "previous_commit_id" -> previous = value;
            case "commit_id" -> commit = value;
            case "finished_at" -> finished = Instant.parse(value);
            default -> {
              // not needed here
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not JSON, or cut short: what was read so far.
    }
    return new Head(mode, previous, commit, alsoFrom, finished);
  }

  /**
   * What a status file's head says; empty strings, no commits and a null time where it says
   * nothing.
   */
  private record Head(
      String mode, String previous, String commit, List<String> alsoFrom, Instant finishedAt) {
    /** The commit a diff started from, or empty for any other export. */
    String diffFrom() {
      return mode.equals("diff") ? previous : "";
    }

    /** The full id of its commit, or {@code named} (from the file's name) when it says none. */
    String commitId(String named) {
      return commit.isEmpty() ? named : commit;
    }
  }

  /** A status file at the root: whose commit, and whether it tells of a success. */
  private static final class Found {
    private final ObjectInfo info;
    private final String commitId;
    private final boolean succeeded;
    private Head head;

    Found(ObjectInfo info, String commitId, boolean succeeded) {
      this.info = info;
      this.commitId = commitId;
      this.succeeded = succeeded;
    }

    ObjectInfo info() {
      return info;
    }

    String commitId() {
      return commitId;
    }

    boolean succeeded() {
      return succeeded;
    }

    /** Whether its name stands for {@code commit}: the id, or a prefix of it. */
    boolean isOf(String commit) {
      return commit.equals(commitId)
          || commitId.length() >= SHORTEST_PREFIX && commit.startsWith(commitId);
    }

    /** Its head, read once. */
    Head head(ObjectStore store, RetryPolicy retry) throws IOException {
      if (head == null) {
        head = retry.run(() -> headOf(store, info)).value();
      }
      return head;
    }

    /**
     * Whether it was written after {@code other}: by the store's time to the second, then by the
     * {@code finished_at} both hold, then a success before a failure.
     */
    boolean isNewerThan(Found other, ObjectStore store, RetryPolicy retry) throws IOException {
      long mine = info.lastModified().getEpochSecond();
      long theirs = other.info.lastModified().getEpochSecond();
      if (mine != theirs) {
        return mine > theirs;
      }
      Instant myEnd = head(store, retry).finishedAt();
      Instant theirEnd = other.head(store, retry).finishedAt();
      if (myEnd != null && theirEnd != null && !myEnd.equals(theirEnd)) {
        return myEnd.isAfter(theirEnd);
      }
      if (!info.lastModified().equals(other.info.lastModified())) {
        return info.lastModified().isAfter(other.info.lastModified());
      }
      return succeeded && !other.succeeded;
    }

    /** " (its location, written its time)", as the messages name it. */
    String written() {
      return " (" + info.location() + ", written " + info.lastModified() + ")";
    }
  }

  /**
   * Whether the diff may run; {@code said} says why not, or (when allowed) what to tell of, or is
   * empty; {@code stoppedExports} are the commits of exports that stopped part-way over the
   * previous commit's, which the diff must run from too.
   */
  public record Verdict(boolean allowed, String said, List<String> stoppedExports) {
    public Verdict {
      stoppedExports = List.copyOf(stoppedExports);
    }

    static Verdict allowed(List<String> stoppedExports, String said) {
      return new Verdict(true, said, stoppedExports);
    }

    static Verdict refused(String why) {
      return new Verdict(false, why, List.of());
    }
  }
}
