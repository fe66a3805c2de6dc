package io.lakeexporter.bench;

import io.lakeexporter.emulator.LakeFsEmulator;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectMetadata;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.Parallel;
import java.io.IOException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes the datasets' bytes to a source side and commits them in the emulator by linking their
 * addresses, so that the exporter and every other tool read the very same objects.
 */
final class DatasetWriter {

  static final String BRANCH = "main";
  static final String BASE_BRANCH = "base";
  private static final int WRITERS = 16;

  private final Workspace workspace;
  private final Profile profile;

  DatasetWriter(Workspace workspace, Profile profile) {
    this.workspace = workspace;
    this.profile = profile;
  }

  /** Where a dataset's objects go on {@code side}. */
  static Place sourcePlace(Side side, String kind) {
    return switch (side) {
      case LOCAL -> new Place(side, "src/" + kind);
      case S3 -> new Place(side, Workspace.SOURCE_BUCKET + "/" + kind);
      case AZURE -> throw new IllegalArgumentException("no dataset is read from Azure");
    };
  }

  /** Many small objects in nested prefixes, as a partitioned table. */
  Dataset small(Side side) throws IOException {
    String repo = newRepository("small", side);
    Place place = sourcePlace(side, "small");
    List<Written> written =
        writeAll(place, profile.smallObjects(), i -> new Spec(smallKey(i), smallSize(i), i));
    link(repo, written);
    String commit = workspace.emulator.commit(repo, BRANCH, "small objects");
    return new Dataset("small", repo, place, commit, null, null, total(written), null);
  }

  /** A few large objects, copied in parts. */
  Dataset large(Side side) throws IOException {
    String repo = newRepository("large", side);
    Place place = sourcePlace(side, "large");
    List<Written> written =
        writeAll(
            place,
            profile.largeObjects(),
            i -> new Spec(String.format("large/part-%05d.bin", i), profile.largeBytes(), i));
    link(repo, written);
    String commit = workspace.emulator.commit(repo, BRANCH, "large objects");
    return new Dataset("large", repo, place, commit, null, null, total(written), null);
  }

  /**
   * Two commits {@code diffChanges} apart (modified, added and removed objects). The folder {@code
   * tree} holds exactly the second commit; the first commit's versions of what changed are under
   * {@code old}. Unchanged objects keep one address in both commits, as in lakeFS.
   */
  Dataset diff(Side side) throws IOException {
    String repo = newRepository("diff", side);
    Place root = sourcePlace(side, "diff");
    Place tree = root.child("tree");
    Place old = root.child("old");
    int n = profile.diffObjects();
    int changes = profile.diffChanges();
    int modified = changes * 6 / 10;
    int added = changes * 2 / 10;
    int removed = changes - modified - added;
    var order = new ArrayList<Integer>();
    for (int i = 0; i < n; i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(7));
    var isModified = new boolean[n];
    var isRemoved = new boolean[n];
    order.subList(0, modified).forEach(i -> isModified[i] = true);
    order.subList(modified, modified + removed).forEach(i -> isRemoved[i] = true);

    // The first commit: unchanged objects at their final address, the rest under old/.
    List<Written> unchanged =
        writeAll(
            tree,
            n,
            i -> isModified[i] || isRemoved[i] ? null : new Spec(smallKey(i), smallSize(i), i));
    List<Written> before =
        writeAll(
            old,
            n,
            i -> isModified[i] || isRemoved[i] ? new Spec(smallKey(i), smallSize(i), i) : null);
    link(repo, unchanged);
    link(repo, before);
    String first = workspace.emulator.commit(repo, BRANCH, "before");
    workspace.emulator.createBranch(repo, BASE_BRANCH, first);

    // The second: new versions (one KiB longer, so that size-based tools notice) and new objects.
    List<Written> after =
        writeAll(
            tree,
            n + added,
            i ->
                i >= n
                    ? new Spec(smallKey(i), smallSize(i), i)
                    : isModified[i] ? new Spec(smallKey(i), smallSize(i) + 1024, -1 - i) : null);
    link(repo, after);
    for (int i = 0; i < n; i++) {
      if (isRemoved[i]) {
        workspace.emulator.deleteObject(repo, BRANCH, smallKey(i));
      }
    }
    String second = workspace.emulator.commit(repo, BRANCH, "after");

    var baseContents = total(concat(unchanged, before));
    var headContents = total(concat(unchanged, after));
    return new Dataset("diff", repo, tree, second, first, BASE_BRANCH, headContents, baseContents);
  }

  /**
   * A commit of {@code entries} objects whose bytes do not exist: listing and planning never read
   * them. Linking is how a million entries get committed in seconds.
   */
  String planningCommit(String repo, int entries) throws IOException {
    workspace.emulator.createRepository(repo, "local://" + repo, BRANCH);
    String checksum = "0".repeat(32);
    for (int i = 0; i < entries; i++) {
      String key = smallKey(i);
      workspace.emulator.linkObject(
          repo, BRANCH, key, "local://" + repo + "/nowhere/" + key, smallSize(i), checksum, "");
    }
    return workspace.emulator.commit(repo, BRANCH, entries + " objects");
  }

  private String newRepository(String kind, Side side) throws IOException {
    String repo = kind + "-" + side.name().toLowerCase(Locale.ROOT);
    workspace.emulator.createRepository(
        repo, workspace.location(sourcePlace(side, kind)).toUnredactedString(), BRANCH);
    return repo;
  }

  /** {@code events/table=t1/date=2026-11-07/part-00042.bin}: 4 tables of 25 days. */
  static String smallKey(int i) {
    return String.format(
        "events/table=t%d/date=2026-11-%02d/part-%05d.bin", i % 4, 1 + (i / 4) % 25, i);
  }

  private int smallSize(int i) {
    int span = profile.smallMaxBytes() - profile.smallMinBytes();
    return profile.smallMinBytes() + new SplittableRandom(i).nextInt(span + 1);
  }

  /** An object to write: its key, size and the seed of its bytes. */
  private record Spec(String key, long size, long seed) {}

  /** An object written: its key, address, size, the seed of its bytes and their hex MD5. */
  private record Written(String key, Location address, long size, long seed, String md5) {}

  private interface SpecFor {
    Spec at(int index);
  }

  /** Writes the objects {@code specs} gives for 0..count-1 (null: none), 16 at a time. */
  private List<Written> writeAll(Place place, int count, SpecFor specs) throws IOException {
    Location root = workspace.location(place);
    workspace.prepare(place);
    ObjectStore store = workspace.storage.storeFor(root);
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS, Parallel.daemonThreads("writer"));
    try {
      var futures = new ArrayList<Future<Written>>();
      for (int i = 0; i < count; i++) {
        Spec spec = specs.at(i);
        if (spec != null) {
          futures.add(pool.submit((Callable<Written>) () -> write(store, root, spec)));
        }
      }
      var written = new ArrayList<Written>(futures.size());
      for (Future<Written> f : futures) {
        written.add(Parallel.await(f));
      }
      return written;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Writes one object; a failed write is tried again with fresh bytes of the same seed. */
  private static Written write(ObjectStore store, Location root, Spec spec) throws IOException {
    Location address = root.child(spec.key());
    for (int attempt = 1; ; attempt++) {
      var digest = new DigestInputStream(new RandomContent(spec.seed(), spec.size()), md5());
      try {
        store.write(address, digest, spec.size(), ObjectMetadata.EMPTY);
      } catch (IOException e) {
        if (attempt == 3) {
          throw e;
        }
        continue;
      }
      return new Written(
          spec.key(),
          address,
          spec.size(),
          spec.seed(),
          HexFormat.of().formatHex(digest.getMessageDigest().digest()));
    }
  }

  private void link(String repo, List<Written> written) {
    LakeFsEmulator emulator = workspace.emulator;
    for (Written w : written) {
      emulator.linkObject(
          repo, BRANCH, w.key(), w.address().toUnredactedString(), w.size(), w.md5(), "");
    }
  }

  private static Manifest total(List<Written> written) {
    var entries = new LinkedHashMap<String, Manifest.Entry>();
    for (Written w : written) {
      entries.put(w.key(), new Manifest.Entry(w.size(), w.seed()));
    }
    return new Manifest(entries);
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    var all = new ArrayList<T>(a);
    all.addAll(b);
    return all;
  }

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
