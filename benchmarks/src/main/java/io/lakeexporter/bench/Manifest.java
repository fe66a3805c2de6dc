package io.lakeexporter.bench;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Every object a destination must hold, by its key under the destination root: its size and the
 * seed of its bytes ({@link RandomContent}), so that what a tool wrote can be read back and
 * compared without keeping a copy.
 */
final class Manifest {

  /** One object: {@code size} bytes of {@link RandomContent} from {@code seed}. */
  record Entry(long size, long seed) {

    InputStream content() {
      return new RandomContent(seed, size);
    }
  }

  private final SortedMap<String, Entry> entries;

  Manifest(Map<String, Entry> entries) {
    this.entries = Collections.unmodifiableSortedMap(new TreeMap<>(entries));
  }

  SortedMap<String, Entry> entries() {
    return entries;
  }

  Entry get(String key) {
    return entries.get(key);
  }

  Workspace.Contents contents() {
    long bytes = 0;
    for (Entry e : entries.values()) {
      bytes += e.size();
    }
    return new Workspace.Contents(entries.size(), bytes);
  }

  /**
   * At most {@code limit} keys spread evenly over the sorted keys: the same ones every run, so that
   * every tool's copy of the same objects is read back.
   */
  List<String> sample(int limit) {
    var keys = new ArrayList<>(entries.keySet());
    if (keys.size() <= limit) {
      return keys;
    }
    var sample = new ArrayList<String>(limit);
    for (int i = 0; i < limit; i++) {
      sample.add(keys.get((int) ((long) i * keys.size() / limit)));
    }
    return sample;
  }
}
