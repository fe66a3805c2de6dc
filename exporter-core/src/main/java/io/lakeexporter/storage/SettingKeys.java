package io.lakeexporter.storage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The settings keys a module reads ({@link StorageProvider#settingKeys()}), to tell a misspelt key
 * from a real one: {@code s3.endpont} would otherwise be ignored and the export would go to AWS.
 */
public final class SettingKeys {

  private static final Pattern PLACEHOLDER = Pattern.compile("<[^>]+>");

  private final String namespace;
  private final String owner;
  private final List<String> templates;
  private final List<Pattern> patterns;

  /**
   * Keys under {@code namespace} (such as {@code "s3."}) that {@code owner} reads, as templates in
   * which {@code <name>} stands for any text.
   */
  public SettingKeys(String namespace, String owner, Collection<String> templates) {
    this.namespace = Objects.requireNonNull(namespace, "namespace is null");
    this.owner = Objects.requireNonNull(owner, "owner is null");
    this.templates = templates.stream().filter(t -> t.startsWith(namespace)).sorted().toList();
    this.patterns = this.templates.stream().map(SettingKeys::pattern).toList();
  }

  /** The keys of every provider that lists them, each under its own name. */
  public static List<SettingKeys> of(Collection<? extends StorageProvider> providers) {
    var all = new ArrayList<SettingKeys>();
    for (StorageProvider p : providers) {
      if (!p.settingKeys().isEmpty()) {
        all.add(new SettingKeys(p.name() + ".", "the " + p.name() + " module", p.settingKeys()));
      }
    }
    return all;
  }

  /**
   * One line per key of {@code keys} that falls under a namespace of {@code known} and matches none
   * of its keys, naming the closest known key; empty when every key is known.
   */
  public static List<String> unknown(Set<String> keys, List<SettingKeys> known) {
    var problems = new ArrayList<String>();
    for (String key : new TreeSet<>(keys)) {
      for (SettingKeys k : known) {
        if (key.startsWith(k.namespace)
            && k.patterns.stream().noneMatch(p -> p.matcher(key).matches())) {
          problems.add(k.describe(key));
          break;
        }
      }
    }
    return problems;
  }

  /**
   * One line for each key of {@code keys} that no provider reads, under no provider's own name, and
   * one or two edits from a key one does read ({@code fs.s3a.endpiont}). Outside a module's own
   * names a key may be any library's (a Hadoop configuration's), so these are for a warning, not a
   * refusal: the export would otherwise go on without the setting meant, to AWS itself perhaps.
   */
  public static List<String> nearMisses(
      Set<String> keys, Collection<? extends StorageProvider> providers) {
    // Each provider's keys once, compiled once: a Hadoop configuration holds hundreds of keys.
    record Known(String owner, String template, Pattern pattern) {}
    var known = new ArrayList<Known>();
    for (StorageProvider p : providers) {
      for (String template : p.settingKeys()) {
        known.add(new Known(p.name(), template, pattern(template)));
      }
    }
    var lines = new ArrayList<String>();
    for (String key : new TreeSet<>(keys)) {
      if (providers.stream().anyMatch(p -> key.startsWith(p.name() + "."))
          || known.stream().anyMatch(k -> k.pattern().matcher(key).matches())) {
        continue; // read, or told apart by unknown()
      }
      known.stream()
          .filter(k -> !PLACEHOLDER.matcher(k.template()).find())
          .min(Comparator.comparingInt(k -> distance(key, k.template())))
          .filter(k -> distance(key, k.template()) <= 2)
          .ifPresent(
              k ->
                  lines.add(
                      "setting '"
                          + key
                          + "' is read by no storage module; did you mean '"
                          + k.template()
                          + "' (the "
                          + k.owner()
                          + " module's)?"));
    }
    return lines;
  }

  private String describe(String key) {
    String unknown = "unknown setting '" + key + "': " + owner + " has no such key";
    return templates.stream()
        .min(Comparator.comparingInt(t -> distance(key, t)))
        .map(closest -> unknown + "; closest: " + closest)
        .orElse(unknown);
  }

  private static Pattern pattern(String template) {
    var regex = new StringBuilder();
    var m = PLACEHOLDER.matcher(template);
    int at = 0;
    while (m.find()) {
      regex.append(Pattern.quote(template.substring(at, m.start()))).append(".+");
      at = m.end();
    }
    return Pattern.compile(regex.append(Pattern.quote(template.substring(at))).toString());
  }

  /** Levenshtein distance: how many single-character edits turn one key into the other. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
