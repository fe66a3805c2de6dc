package io.lakeexporter.emulator;

import io.lakeexporter.storage.KeyOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One repository's refs and trees. Committed trees are immutable sorted maps shared by readers; a
 * branch's uncommitted changes live in its staging map (a {@code null} value is a deletion).
 * Guarded by the repository's monitor; readers take consistent snapshots.
 */
final class Repo {

  /** What lakeFS takes for a commit id or a prefix of one. */
  private static final Pattern HASH = Pattern.compile("[a-fA-F0-9]{1,64}");

  /** A ref's base and its modifiers, split as lakeFS's ref parser does. */
  private static final Pattern MODIFIERS = Pattern.compile("(^|[~^@$])[^~^@$]*");

  /** An immutable commit. */
  record Commit(
      String id,
      List<String> parents,
      String committer,
      String message,
      long creationDate,
      Map<String, String> metadata,
      long generation,
      NavigableMap<String, Entry> tree) {}

  /** A branch: its head commit and what is staged on it. */
  static final class Branch {
    final String name;
    String head;
    final TreeMap<String, Entry> staging = new TreeMap<>(KeyOrder::compare);

    Branch(String name, String head) {
      this.name = name;
      this.head = head;
    }
  }

  final String name;
  final String storageNamespace;
  final String defaultBranch;
  final long creationDate;
  private final Map<String, Commit> commits = new HashMap<>();
  private final Map<String, Branch> branches = new LinkedHashMap<>();
  private final Map<String, String> tags = new TreeMap<>();

  Repo(String name, String storageNamespace, String defaultBranch, String committer) {
    this.name = name;
    this.storageNamespace = storageNamespace;
    this.defaultBranch = defaultBranch;
    this.creationDate = Instant.now().getEpochSecond();
    Commit first =
        newCommit(
            List.of(),
            committer,
            "Repository created",
            Map.of(),
            new TreeMap<>(KeyOrder::compare),
            1);
    commits.put(first.id(), first);
    branches.put(defaultBranch, new Branch(defaultBranch, first.id()));
  }

  private Commit newCommit(
      List<String> parents,
      String committer,
      String message,
      Map<String, String> metadata,
      NavigableMap<String, Entry> tree,
      long generation) {
    long now = Instant.now().getEpochSecond();
    String id =
        sha256(
            name
                + "\n"
                + parents
                + "\n"
                + message
                + "\n"
                + now
                + "\n"
                + System.nanoTime()
                + "\n"
                + tree.size());
    return new Commit(
        id,
        List.copyOf(parents),
        committer,
        message,
        now,
        Map.copyOf(metadata),
        generation,
        Collections.unmodifiableNavigableMap(tree));
  }

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  synchronized Branch branch(String branch) {
    return branches.get(branch);
  }

  synchronized List<String> branchNames() {
    return new ArrayList<>(branches.keySet());
  }

  synchronized Commit commit(String id) {
    return commits.get(id);
  }

  /**
   * A commit id from a full id or a unique prefix of it (lakeFS takes any hex prefix, one character
   * up); {@code null} when none or ambiguous.
   */
  synchronized String findCommit(String ref) {
    if (commits.containsKey(ref)) {
      return ref;
    }
    if (!HASH.matcher(ref).matches()) {
      return null;
    }
    String found = null;
    for (String id : commits.keySet()) {
      if (id.startsWith(ref)) {
        if (found != null) {
          return null;
        }
        found = id;
      }
    }
    return found;
  }

  /** A ref as lakeFS resolves it: the commit, and the branch when its staged changes count. */
  record Resolved(String commitId, Branch branch) {}

  /**
   * Resolves a ref as lakeFS does: a full commit id first, then a branch, then a tag, then a unique
   * prefix of a commit id; followed by any of the modifiers {@code ~N} (the Nth first-parent
   * ancestor), {@code ^N} (the Nth parent) and, alone on a branch, {@code @} (its committed state
   * without staged changes). {@code null} when the ref names nothing.
   *
   * @throws EmulatorException 400 for a ref that is not well formed
   */
  synchronized Resolved resolve(String ref) {
    Matcher parts = MODIFIERS.matcher(ref);
    List<String> found = new ArrayList<>();
    while (parts.find()) {
      found.add(parts.group());
    }
    if (found.isEmpty() || found.get(0).isEmpty()) {
      throw new EmulatorException(400, "invalid ref: " + ref);
    }
    String base = found.get(0);
    Resolved resolved = resolveBase(base);
    if (resolved == null || found.size() == 1) {
      return resolved;
    }
    String commit = resolved.commitId();
    for (String modifier : found.subList(1, found.size())) {
      char type = modifier.charAt(0);
      if ((type == '@' || type == '$') && modifier.length() > 1) {
        throw new EmulatorException(400, "invalid ref: " + ref);
      }
      int amount = 1;
      if (modifier.length() > 1) {
        try {
          amount = Integer.parseInt(modifier.substring(1));
        } catch (NumberFormatException e) {
          throw new EmulatorException(400, "invalid ref: " + ref);
        }
      }
      switch (type) {
        case '@' -> {
          if (resolved.branch() == null || found.size() != 2) {
            throw new EmulatorException(400, "invalid ref: " + ref);
          }
          return new Resolved(commit, null);
        }
        case '$' -> {
          if (resolved.branch() == null || found.size() != 2) {
            throw new EmulatorException(400, "invalid ref: " + ref);
          }
          return resolved;
        }
        case '~' -> {
          for (int i = 0; i < amount; i++) {
            List<String> parents = commits.get(commit).parents();
            if (parents.isEmpty()) {
              return null;
            }
            commit = parents.get(0);
          }
        }
        case '^' -> {
          if (amount > 0) {
            List<String> parents = commits.get(commit).parents();
            if (amount > parents.size()) {
              throw new EmulatorException(400, "invalid ref: " + ref);
            }
            commit = parents.get(amount - 1);
          }
        }
        default -> throw new EmulatorException(400, "invalid ref: " + ref);
      }
    }
    return new Resolved(commit, null);
  }

  private Resolved resolveBase(String base) {
    String byHash = findCommit(base);
    if (byHash != null && byHash.equals(base)) {
      return new Resolved(byHash, null);
    }
    // Branches and tags take precedence over a prefix of a commit id.
    Branch b = branches.get(base);
    if (b != null) {
      return new Resolved(b.head, b);
    }
    String tagged = tags.get(base);
    if (tagged != null) {
      return new Resolved(tagged, null);
    }
    return byHash == null ? null : new Resolved(byHash, null);
  }

  /** Creates a tag at the commit {@code ref} resolves to, and returns that commit. */
  synchronized String createTag(String tag, String ref) {
    if (tags.containsKey(tag)) {
      throw new EmulatorException(409, "tag already exists: " + tag);
    }
    String commit = resolveCommit(ref);
    if (commit == null) {
      throw new EmulatorException(404, "ref not found: " + ref);
    }
    tags.put(tag, commit);
    return commit;
  }

  /** The commit a tag points to, or null. */
  synchronized String tag(String tag) {
    return tags.get(tag);
  }

  /** A readable view of a ref: a branch (committed + staged) or a commit. */
  record View(
      String commitId, NavigableMap<String, Entry> tree, NavigableMap<String, Entry> staging) {

    Entry get(String path) {
      if (staging.containsKey(path)) {
        return staging.get(path);
      }
      return tree.get(path);
    }

    /** Entries with path > {@code after} (and starting with {@code prefix}), in order. */
    Iterator<Entry> from(String after, String prefix) {
      String start = KeyOrder.compare(after, prefix) > 0 ? after : prefix;
      Iterator<Map.Entry<String, Entry>> committed = tail(tree, start, after).entrySet().iterator();
      Iterator<Map.Entry<String, Entry>> staged = tail(staging, start, after).entrySet().iterator();
      return new Iterator<>() {
        Map.Entry<String, Entry> c = advance(committed);
        Map.Entry<String, Entry> s = advance(staged);
        Entry next = compute();

        private Map.Entry<String, Entry> advance(Iterator<Map.Entry<String, Entry>> it) {
          return it.hasNext() ? it.next() : null;
        }

        private Entry compute() {
          while (c != null || s != null) {
            Map.Entry<String, Entry> pick;
            if (s == null || (c != null && KeyOrder.compare(c.getKey(), s.getKey()) < 0)) {
              pick = c;
              c = advance(committed);
            } else {
              if (c != null && c.getKey().equals(s.getKey())) {
                c = advance(committed);
              }
              pick = s;
              s = advance(staged);
            }
            if (!pick.getKey().startsWith(prefix)) {
              if (KeyOrder.compare(pick.getKey(), prefix) > 0) {
                c = null;
                s = null;
                return null;
              }
              continue;
            }
            if (pick.getValue() != null) {
              return pick.getValue();
            }
          }
          return null;
        }

        @Override
        public boolean hasNext() {
          return next != null;
        }

        @Override
        public Entry next() {
          Entry result = next;
          next = compute();
          return result;
        }
      };
    }

    private static NavigableMap<String, Entry> tail(
        NavigableMap<String, Entry> map, String start, String after) {
      return start.equals(after) ? map.tailMap(start, false) : map.tailMap(start, true);
    }
  }

  /** A consistent view of {@code ref}, or {@code null} when the ref is unknown. */
  synchronized View view(String ref) {
    Resolved r = resolve(ref);
    if (r == null) {
      return null;
    }
    if (r.branch() != null) {
      Branch b = r.branch();
      return new View(b.head, commits.get(b.head).tree(), new TreeMap<>(b.staging));
    }
    return new View(
        r.commitId(),
        commits.get(r.commitId()).tree(),
        Collections.unmodifiableNavigableMap(new TreeMap<>(KeyOrder::compare)));
  }

  /** The commit a ref points to (see {@link #resolve}); null when unknown. */
  synchronized String resolveCommit(String ref) {
    Resolved r = resolve(ref);
    return r == null ? null : r.commitId();
  }

  synchronized Branch createBranch(String branch, String source) {
    if (branches.containsKey(branch)) {
      throw new EmulatorException(409, "branch already exists: " + branch);
    }
    String head = resolveCommit(source);
    if (head == null) {
      throw new EmulatorException(404, "source ref not found: " + source);
    }
    Branch b = new Branch(branch, head);
    branches.put(branch, b);
    return b;
  }

  synchronized void stage(String branch, String path, Entry entry) {
    Branch b = branches.get(branch);
    if (b == null) {
      throw new EmulatorException(404, "branch not found: " + branch);
    }
    b.staging.put(path, entry);
  }

  /** Stages a deletion; false when the branch has no such object. */
  synchronized boolean unstage(String branch, String path) {
    Branch b = branches.get(branch);
    if (b == null) {
      throw new EmulatorException(404, "branch not found: " + branch);
    }
    boolean exists =
        b.staging.containsKey(path)
            ? b.staging.get(path) != null
            : commits.get(b.head).tree().containsKey(path);
    if (!exists) {
      return false;
    }
    if (commits.get(b.head).tree().containsKey(path)) {
      b.staging.put(path, null);
    } else {
      b.staging.remove(path);
    }
    return true;
  }

  synchronized Commit commit(
      String branch, String committer, String message, Map<String, String> metadata) {
    Branch b = branches.get(branch);
    if (b == null) {
      throw new EmulatorException(404, "branch not found: " + branch);
    }
    if (b.staging.isEmpty()) {
      throw new EmulatorException(400, "commit: no changes");
    }
    Commit parent = commits.get(b.head);
    var tree = new TreeMap<String, Entry>(KeyOrder::compare);
    tree.putAll(parent.tree());
    b.staging.forEach(
        (path, entry) -> {
          if (entry == null) {
            tree.remove(path);
          } else {
            tree.put(path, entry);
          }
        });
    Commit c =
        newCommit(
            List.of(parent.id()), committer, message, metadata, tree, parent.generation() + 1);
    commits.put(c.id(), c);
    b.head = c.id();
    b.staging.clear();
    return c;
  }

  /** Commits reachable from {@code commitId}, newest first by generation. */
  synchronized List<Commit> log(String commitId) {
    var out = new ArrayList<Commit>();
    var seen = new HashSet<String>();
    var queue = new ArrayDeque<String>(List.of(commitId));
    while (!queue.isEmpty()) {
      String id = queue.poll();
      if (seen.add(id)) {
        Commit c = commits.get(id);
        out.add(c);
        queue.addAll(c.parents());
      }
    }
    out.sort((a, b) -> Long.compare(b.generation(), a.generation()));
    return out;
  }

  /** The nearest common ancestor of two commits, or null. */
  synchronized String mergeBase(String left, String right) {
    Set<String> ancestors = new HashSet<>();
    log(left).forEach(c -> ancestors.add(c.id()));
    for (Commit c : log(right)) {
      if (ancestors.contains(c.id())) {
        return c.id();
      }
    }
    return null;
  }
}
