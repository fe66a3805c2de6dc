package io.lakeexporter.report;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonWriter;
import io.lakeexporter.DestinationInUseException;
import io.lakeexporter.ExportException;
import io.lakeexporter.ExportResult;
import io.lakeexporter.Version;
import io.lakeexporter.copy.RetryPolicy;
import io.lakeexporter.plan.DestinationKeys;
import io.lakeexporter.storage.BucketNotFoundException;
import io.lakeexporter.storage.LeftoverRemovable;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectMetadata;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.Parallel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lease an export holds on its destination root while it runs: {@code EXPORT_RUNNING}, a small
 * JSON file naming the run, its repository and commit, its host and process, and until when it
 * holds. Taken before anything is written there, renewed while the export runs, removed when it
 * ends, after its status file. An export that finds another's lease unexpired refuses to start
 * ({@link DestinationInUseException}); one that finds it expired (its export was killed, or could
 * not reach the destination for longer than the term) takes it over and says so. A reader that
 * finds the file knows an export is under way, or was cut off when its expiry has passed.
 *
 * <p>No write-if-absent is kept by every store the exporter writes to (S3-compatible servers
 * differ), so the lease is read back once written: of two exports that found the root free at the
 * same moment, the one whose lease was overwritten gives way then, or, when the other's write came
 * later still, at its next renewal: its export takes no more objects and writes no status file.
 * Expiry is read against this machine's clock: hosts whose clocks differ by more than the term
 * could take over a lease still held.
 */
public final class DestinationLease implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DestinationLease.class);

  /** The lease's name at the destination root. */
  public static final String NAME = DestinationKeys.LEASE_NAME;

  /** How long a lease holds unrenewed: a killed export's keeps its root for at most this long. */
  public static final Duration TERM = Duration.ofSeconds(60);

  private final ObjectStore store;
  private final Location file;
  private final RetryPolicy retry;
  private volatile Holder ours;
  private final Duration term;
  private final ScheduledExecutorService renewals;
  private volatile String lost = "";
  private volatile boolean unheld;
  private List<String> tookOverFrom = List.of();
  private volatile Runnable whenLost = () -> {};

  /** Until when the lease this export last wrote holds: past it, another may have taken it. */
  private volatile Instant heldUntil;

  private boolean closed;

  /** Who holds a lease, as its file says. */
  record Holder(
      String run,
      String repository,
      String commitId,
      String host,
      String machine,
      long pid,
      Instant startedAt,
      Instant expiresAt,
      String exporterVersion,
      List<String> alsoFrom) {

    Holder {
      alsoFrom = List.copyOf(alsoFrom);
    }

    Holder renewed(Instant until) {
      return new Holder(
          run,
          repository,
          commitId,
          host,
          machine,
          pid,
          startedAt,
          until,
          exporterVersion,
          alsoFrom);
    }

    Holder withAlsoFrom(List<String> commits) {
      return new Holder(
          run,
          repository,
          commitId,
          host,
          machine,
          pid,
          startedAt,
          expiresAt,
          exporterVersion,
          commits);
    }

    /** Its commit, then those of the stopped exports its diff runs from too. */
    List<String> commits() {
      var all = new ArrayList<String>();
      all.add(commitId);
      all.addAll(alsoFrom);
      return all;
    }

    /**
     * Whether this holder's process is known to be gone: it ran on this machine (the same host name
     * and machine id, which a container of the same image may share only under its own host name)
     * and no process of its id runs here now, or one started after the lease did. A lease kept by
     * an export killed outright is then taken over at once rather than after its term.
     */
    boolean goneFromThisMachine() {
      if (machine.isEmpty() || !machine.equals(MACHINE) || !host.equals(HOST)) {
        return false;
      }
      Optional<ProcessHandle> process = ProcessHandle.of(pid);
      if (process.isEmpty() || !process.get().isAlive()) {
        return true;
      }
      Optional<Instant> since = process.get().info().startInstant();
      return since.isPresent() && since.get().isAfter(startedAt.plusSeconds(1));
    }

    /** The holder in words, for a refusal or a warning. */
    String said() {
      return "an export of commit "
          + commitId
          + " of repository '"
          + repository
          + "' (run "
          + run
          + ", exporter "
          + exporterVersion
          + ", process "
          + pid
          + " on "
          + host
          + ") started at "
          + startedAt;
    }
  }

  private DestinationLease(
      ObjectStore store, Location file, RetryPolicy retry, Holder ours, Duration term) {
    this.store = store;
    this.file = file;
    this.retry = retry;
    this.ours = ours;
    this.term = term;
    this.renewals = Executors.newSingleThreadScheduledExecutor(Parallel.daemonThreads("lease"));
  }

  /**
   * Takes the lease of {@code root} for an export of {@code commitId}, renewed every quarter of
   * {@link #TERM} until {@link #close closed}.
   *
   * <p>A store that will not read the lease (credentials that may only write objects, or none it
   * takes) leaves the export without one, as a warning says: it goes on, unguarded. One that reads
   * but will not write it refuses the export.
   *
   * @throws DestinationInUseException when another export holds it, or a file there under its name
   *     is not a lease
   * @throws ExportException when the lease could not be taken otherwise (a directory of its name in
   *     the way, a store failing)
   */
  public static DestinationLease take(
      ObjectStore store, Location root, String repository, String commitId, RetryPolicy retry) {
    return take(store, root, repository, commitId, retry, TERM, TERM.dividedBy(4));
  }

  static DestinationLease take(
      ObjectStore store,
      Location root,
      String repository,
      String commitId,
      RetryPolicy retry,
      Duration term,
      Duration renewEvery) {
    Objects.requireNonNull(store, "store is null");
    Location file = root.child(NAME);
    Instant now = Instant.now();
    var ours =
        new Holder(
            UUID.randomUUID().toString(),
            repository,
            commitId,
            HOST,
            MACHINE,
            ProcessHandle.current().pid(),
            now,
            now.plus(term),
            Version.get(),
            List.of());
    var lease = new DestinationLease(store, file, retry, ours, term);
    boolean looked = false;
    try {
      Optional<Holder> held = lease.read();
      looked = true;
      if (held.isPresent()) {
        Holder h = held.get();
        boolean gone = h.goneFromThisMachine();
        if (h.expiresAt().isAfter(now) && !gone) {
          throw new DestinationInUseException(inUse(file, h, now));
        }
        LOG.warn(
            "{} ended without giving up {} ({}): killed, or cut off from the destination; this"
                + " export takes it over and writes over what that one left",
            h.said(),
            file,
            gone
                ? "its process is no longer running on this machine"
                : "its lease expired at " + h.expiresAt());
      }
      lease.write(ours);
      Optional<Holder> back = lease.read();
      if (back.isEmpty() || !back.get().run().equals(ours.run())) {
        throw new DestinationInUseException(
            back.map(
                    h ->
                        inUse(file, h, now) + " (it took the lease at the same moment as this one)")
                .orElse("the lease " + file + " was removed as soon as this export wrote it"));
      }
      if (held.isPresent()) {
        if (held.get().repository().equals(repository)) {
          // Another repository's commit says nothing of what this one's diffs hold.
          lease.tookOverFrom = held.get().commits();
        }
        lease.removeLeftovers(root, held.get());
      }
    } catch (IOException | RuntimeException e) {
      lease.renewals.shutdownNow();
      if (e instanceof ExportException refused) {
        throw refused;
      }
      if (looked) {
        // A lease that could not be written (a directory in the way), a store failing: unguarded,
        // two exports could each end with SUCCESS over the other's objects.
        throw new ExportException(
            "could not take the lease " + file + " for the export: " + Printable.said(e), e);
      }
      // A store that would not let this export read (a drop bucket it may only write objects
      // into, credentials it refuses, a request it does not serve: what its copies will then
      // report): the export goes on as it did before leases were kept.
      LOG.warn(
          "could not take the lease {} ({}): this export goes on without it, and does not keep"
              + " another export to this root out",
          file,
          Printable.said(e));
      lease.unheld = true;
      return lease;
    }
    long every = Math.max(1, renewEvery.toMillis());
    lease.renewals.scheduleWithFixedDelay(lease::renew, every, every, TimeUnit.MILLISECONDS);
    return lease;
  }

  /** How far apart the clocks of an export's host and its store may be, for a leftover's start. */
  private static final Duration CLOCK_MARGIN = Duration.ofMinutes(1);

  /**
   * Removes what the export {@code cutOff} left unfinished under {@code root}, where the store can
   * find it: now, holding the lease, no export's work under way can be taken for it. What cannot be
   * removed stays, with a warning: the export goes on.
   */
  private void removeLeftovers(Location root, Holder cutOff) {
    if (!(store instanceof LeftoverRemovable removable)) {
      return;
    }
    try {
      long removed =
          removable.removeLeftovers(
              root,
              cutOff.startedAt().minus(CLOCK_MARGIN),
              cutOff.expiresAt().plus(CLOCK_MARGIN),
              underANestedLease(root));
      if (removed > 0) {
        LOG.warn(
            "removed {} unfinished copies (temporary files, open multipart uploads) that export"
                + " left under {}",
            removed,
            root);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "could not remove the unfinished copies that export left under {}: {}",
          root,
          Printable.said(e));
    }
  }

  /**
   * Whether a leftover lies under a root nested in {@code root} that holds a lease of its own: an
   * export to it may be at work there, its temporary files and uploads its own. Each directory is
   * asked once.
   */
  private Predicate<Location> underANestedLease(Location root) {
    String base =
        root.path().isEmpty() || root.path().endsWith("/") ? root.path() : root.path() + "/";
    Map<String, Boolean> leased = new HashMap<>();
    return leftover -> {
      String path = leftover.path();
      if (!path.startsWith(base)) {
        return false;
      }
      int slash = path.indexOf('/', base.length());
      while (slash > 0) {
        String dir = path.substring(0, slash + 1);
        boolean hasLease =
            leased.computeIfAbsent(
                dir,
                d -> {
                  try {
                    store.stat(new Location(root.scheme(), root.authority(), d + NAME));
                    return true;
                  } catch (FileNotFoundException e) {
                    return false;
                  } catch (IOException | RuntimeException e) {
                    return true; // cannot tell: spared
                  }
                });
        if (hasLease) {
          return true;
        }
        slash = path.indexOf('/', slash + 1);
      }
      return false;
    };
  }

  /**
   * The commits of the export of this repository whose lease this one took over (killed, or cut off
   * from the destination part-way): its own, then those its diff ran from too; empty when the root
   * was free or another repository's.
   */
  public List<String> tookOverFrom() {
    return tookOverFrom;
  }

  /**
   * Says in the lease, from now on, that this export's diff runs from {@code stoppedExports} too
   * (exports stopped part-way over its previous commit's): an export that takes this lease over,
   * this one killed, runs from them as well as from this one's commit. Written at once.
   *
   * @throws ExportException when the lease could not be written: an export killed after this one
   *     would not know of them
   */
  public void record(List<String> stoppedExports) {
    if (unheld || stoppedExports.equals(ours.alsoFrom())) {
      return;
    }
    ours = ours.withAlsoFrom(stoppedExports);
    try {
      write(ours);
    } catch (IOException | RuntimeException e) {
      throw new ExportException(
          "could not write in the lease "
              + file
              + " the exports this diff runs from: "
              + Printable.said(e),
          e);
    }
  }

  /**
   * The commits of an export of {@code repository} that left its lease at {@code root} and is gone
   * (its lease expired, or its process gone from this machine), which stopped part-way: its own,
   * then those its diff ran from too. Empty when there is none, it is held, another repository's,
   * or it cannot be read.
   */
  public static List<String> leftBy(ObjectStore store, Location root, String repository) {
    Instant now = Instant.now();
    try {
      return read(store, root.child(NAME), RetryPolicy.NONE)
          .filter(h -> h.repository().equals(repository))
          .filter(h -> !h.expiresAt().isAfter(now) || h.goneFromThisMachine())
          .map(Holder::commits)
          .orElse(List.of());
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  /**
   * Why an export to {@code root} would be refused now, another export holding its lease, or empty:
   * for a dry run, which takes no lease, to say so. A lease it cannot read says nothing.
   */
  public static Optional<String> heldByAnother(ObjectStore store, Location root) {
    Instant now = Instant.now();
    Location file = root.child(NAME);
    try {
      return read(store, file, RetryPolicy.NONE)
          .filter(h -> h.expiresAt().isAfter(now) && !h.goneFromThisMachine())
          .map(h -> inUse(file, h, now));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static String inUse(Location file, Holder holder, Instant now) {
    long seconds = Math.max(1, Duration.between(now, holder.expiresAt()).toSeconds());
    return "the destination is in use: "
        + holder.said()
        + " holds "
        + file
        + " until "
        + holder.expiresAt()
        + " (in "
        + seconds
        + " s, unless renewed); wait for it to end, or remove that file if that export is gone";
  }

  /**
   * Why this export no longer holds the destination (another export took it over), as far as the
   * last renewal or {@link #check} saw; empty while it holds it.
   */
  public Optional<String> lost() {
    String why = lost;
    return why.isEmpty() ? Optional.empty() : Optional.of(why);
  }

  /**
   * Runs {@code stop} once when this export loses the lease to another (a Spark driver cancels its
   * jobs), from the thread that finds it lost.
   */
  public void whenLost(Runnable stop) {
    this.whenLost = Objects.requireNonNull(stop, "stop is null");
  }

  /**
   * {@code listing}'s actions while this export holds the lease: once a renewal finds another
   * export holding it, the listing breaks off, which stops the round as a listing that failed does,
   * and no further action is taken.
   */
  public <T> Supplier<Stream<T>> whileHeld(Supplier<Stream<T>> listing) {
    return () ->
        listing
            .get()
            .peek(
                action -> {
                  String why = lost;
                  if (!why.isEmpty()) {
                    throw new IllegalStateException(why);
                  }
                });
  }

  /**
   * Reads the lease now, before a status file is written: {@link #lost()} as it then stands. A
   * lease that cannot be read counts as held (the status file's write will say what the store
   * does).
   */
  public Optional<String> check() {
    if (unheld) {
      return Optional.empty();
    }
    // An interrupted export still checks (store clients such as the AWS SDK's refuse requests on
    // an interrupted thread); the interrupt is set again for the caller.
    boolean interrupted = Thread.interrupted();
    try {
      if (lost.isEmpty()) {
        see(read(), true);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not read the lease {}: {}", file, Printable.said(e));
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    return lost();
  }

  /** Renews the lease while it is this export's; under the lock, so that none follows close. */
  private synchronized void renew() {
    if (closed) {
      return;
    }
    try {
      if (see(read(), true)) {
        write(ours.renewed(Instant.now().plus(term)));
      }
    } catch (IOException | RuntimeException e) {
      // Tried again at the next renewal; the lease holds until its term ends meanwhile.
      LOG.warn("could not renew the lease {}: {}", file, Printable.said(e));
    }
  }

  /**
   * Whether {@code held} is still this export's lease. Another export's means it is lost, for good.
   * None at all (removed by hand, taken for a stale one) is written again when {@code rewrite}:
   * another export that found the root free since would have written its own.
   */
  private synchronized boolean see(Optional<Holder> held, boolean rewrite) throws IOException {
    if (!lost.isEmpty()) {
      return false;
    }
    if (held.isPresent() && held.get().run().equals(ours.run())) {
      return true;
    }
    if (held.isEmpty() && !rewrite) {
      return false;
    }
    Instant until = heldUntil;
    if (held.isEmpty() && until != null && Instant.now().isBefore(until)) {
      LOG.warn("the lease {} was removed while the export ran: it is written again", file);
      write(ours.renewed(Instant.now().plus(term)));
      return false;
    }
    // Gone after this export's own lease expired (it stalled past its term), another export may
    // have taken the root over and ended since, its status file written over what this one copied.
    lost =
        held.map(h -> "another export took the destination over: " + h.said())
            .orElse(
                "this export's lease expired at "
                    + until
                    + " while it stalled, and is gone: another export may have taken the"
                    + " destination over and ended since");
    LOG.error("{}", lost);
    renewals.shutdown();
    try {
      whenLost.run();
    } catch (RuntimeException e) {
      LOG.warn("could not stop the export's work under way: {}", Printable.said(e));
    }
    return false;
  }

  /**
   * Writes the status file of {@code result} at {@code root} ({@link StatusFile#record}), unless
   * another export has taken the destination over from this one: its own status file, of the same
   * commit perhaps, would be overwritten or removed as stale. The result then fails, saying so once
   * (a round that stopped for it says it already).
   */
  public ExportResult recordStatus(ExportResult result, Location root, RetryPolicy retry) {
    Optional<String> lostTo = check();
    if (lostTo.isEmpty()) {
      return StatusFile.record(store, root, result, ours.alsoFrom(), retry);
    }
    String why = "no status file written, as it could be the other's";
    return result.failedFor(
        result.error().contains(lostTo.get()) ? why : lostTo.get() + "; " + why);
  }

  /**
   * Stops renewing and removes the lease, if it is still this export's. An interrupted export gives
   * it up too, so that it can be run again at once: the interrupt is set aside meanwhile.
   */
  @Override
  public void close() {
    if (unheld) {
      return;
    }
    synchronized (this) {
      closed = true; // a renewal under way ends first: none writes the lease after this
    }
    renewals.shutdown();
    boolean interrupted = Thread.interrupted();
    try {
      if (see(read(), false)) {
        List<ObjectStore.DeleteFailure> left = retry.run(() -> store.delete(List.of(file))).value();
        if (!left.isEmpty()) {
          throw new IOException(left.get(0).reason());
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "the lease {} stays until it expires, within {} s: {}",
          file,
          term.toSeconds(),
          Printable.said(e));
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The lease at the root, or empty when there is none. */
  private Optional<Holder> read() throws IOException {
    return read(store, file, retry);
  }

  /** The lease {@code file}, or empty when there is none. */
  private static Optional<Holder> read(ObjectStore store, Location file, RetryPolicy retry)
      throws IOException {
    byte[] json;
    try {
      json =
          retry
              .run(
                  () -> {
                    try (InputStream in = store.read(file, 0, -1)) {
                      return in.readNBytes(64 << 10);
                    }
                  })
              .value();
    } catch (BucketNotFoundException e) {
      throw e; // not a root without a lease: a destination gone, which the export's writes name
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
    try {
      JsonObject o =
          JsonParser.parseString(new String(json, StandardCharsets.UTF_8)).getAsJsonObject();
      return Optional.of(
          new Holder(
              o.get("run").getAsString(),
              o.get("repository").getAsString(),
              o.get("commit_id").getAsString(),
              o.get("host").getAsString(),
              o.has("machine") ? o.get("machine").getAsString() : "",
              o.get("pid").getAsLong(),
              Instant.parse(o.get("started_at").getAsString()),
              Instant.parse(o.get("expires_at").getAsString()),
              o.get("exporter_version").getAsString(),
              alsoFrom(o)));
    } catch (JsonParseException
        | IllegalStateException
        | NullPointerException
        | UnsupportedOperationException
        | NumberFormatException
        | DateTimeParseException e) {
      throw new DestinationInUseException(
          "the destination holds a file "
              + file
              + " that is not an export's lease: remove it, or export to another root");
    }
  }

  private void write(Holder holder) throws IOException {
    byte[] json = render(holder);
    retry.run(
        () -> {
          store.write(
              file,
              new ByteArrayInputStream(json),
              json.length,
              new ObjectMetadata("application/json", Map.of()));
          return null;
        });
    heldUntil = holder.expiresAt();
  }

  /** The {@code also_from} commits of a lease or status file's JSON; none when absent. */
  static List<String> alsoFrom(JsonObject json) {
    var commits = new ArrayList<String>();
    if (json.has("also_from") && json.get("also_from").isJsonArray()) {
      json.get("also_from").getAsJsonArray().forEach(e -> commits.add(e.getAsString()));
    }
    return commits;
  }

  static byte[] render(Holder holder) {
    var out = new ByteArrayOutputStream();
    try (var json = new JsonWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8))) {
      json.setIndent("  ");
      json.beginObject();
      json.name("run").value(holder.run());
      json.name("repository").value(holder.repository());
      json.name("commit_id").value(holder.commitId());
      json.name("host").value(holder.host());
      json.name("machine").value(holder.machine());
      json.name("pid").value(holder.pid());
      json.name("started_at").value(holder.startedAt().toString());
      json.name("expires_at").value(holder.expiresAt().toString());
      json.name("exporter_version").value(holder.exporterVersion());
      StatusFile.writeAlsoFrom(json, holder.alsoFrom());
      json.endObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // writing into memory
    }
    return out.toByteArray();
  }

  /** This host's name, in leases. */
  private static final String HOST = hostName();

  /**
   * This machine's id (systemd's {@code /etc/machine-id}), hashed: it tells two hosts of the same
   * name apart without publishing the id itself. Empty where there is none.
   */
  private static final String MACHINE = machineId();

  private static String machineId() {
    try {
      byte[] id = Files.readAllBytes(Path.of("/etc/machine-id"));
      if (new String(id, StandardCharsets.US_ASCII).isBlank()) {
        return "";
      }
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(id);
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (IOException | NoSuchAlgorithmException | RuntimeException e) {
      return "";
    }
  }

  private static String hostName() {
    // Containers name themselves in HOSTNAME; a resolver's look-up of this host can be slow.
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "an unknown host";
    }
  }
}
