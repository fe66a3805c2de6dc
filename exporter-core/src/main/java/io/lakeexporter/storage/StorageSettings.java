package io.lakeexporter.storage;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Immutable string settings handed to storage providers: the project's own keys and the Hadoop keys
 * users already have (such as {@code fs.s3a.endpoint}). {@link #toString()} shows keys only, never
 * values, because values hold secrets.
 */
public final class StorageSettings {

  public static final StorageSettings EMPTY = new StorageSettings(Map.of());

  private final Map<String, String> values;

  private StorageSettings(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  public static StorageSettings of(Map<String, String> values) {
    Objects.requireNonNull(values, "values is null");
    return new StorageSettings(values);
  }

  /** These settings with {@code key} set. */
  public StorageSettings with(String key, String value) {
    Objects.requireNonNull(key, "key is null");
    Objects.requireNonNull(value, "value is null");
    var copy = new TreeMap<>(values);
    copy.put(key, value);
    return new StorageSettings(copy);
  }

  /** These settings overlaid by {@code other}: where both set a key, {@code other} wins. */
  public StorageSettings overlay(StorageSettings other) {
    var copy = new TreeMap<>(values);
    copy.putAll(other.values);
    return new StorageSettings(copy);
  }

  /** Every key set, blank values included. */
  public Set<String> keys() {
    return values.keySet();
  }

  public Optional<String> get(String key) {
    String value = values.get(key);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
  }

  /** The first of {@code keys} that is set. */
  public Optional<String> first(String... keys) {
    for (String key : keys) {
      Optional<String> value = get(key);
      if (value.isPresent()) {
        return value;
      }
    }
    return Optional.empty();
  }

  public boolean getBoolean(String key, boolean defaultValue) {
    return get(key)
        .map(
            v -> {
              String s = v.toLowerCase(Locale.ROOT);
              if (s.equals("true") || s.equals("false")) {
                return Boolean.parseBoolean(s);
              }
              throw new IllegalArgumentException(
                  "setting " + key + " must be true or false, not '" + v + "'");
            })
        .orElse(defaultValue);
  }

  public long getLong(String key, long defaultValue) {
    return get(key).map(v -> parseLong(key, v)).orElse(defaultValue);
  }

  public int getInt(String key, int defaultValue) {
    long value = getLong(key, defaultValue);
    if (value > Integer.MAX_VALUE || value < Integer.MIN_VALUE) {
      throw new IllegalArgumentException("setting " + key + " is out of range: " + value);
    }
    return (int) value;
  }

  /** A duration given in seconds, or with a unit suffix {@code ms}, {@code s}, {@code m}. */
  public Duration getDuration(String key, Duration defaultValue) {
    return get(key).map(v -> parseDuration(key, v)).orElse(defaultValue);
  }

  /** A byte size such as {@code 8388608}, {@code 8M}, {@code 64MiB} or {@code 1G}. */
  public long getBytes(String key, long defaultValue) {
    return get(key).map(v -> parseBytes(key, v)).orElse(defaultValue);
  }

  /** Every key that starts with {@code prefix}, with the prefix removed. */
  public Map<String, String> withPrefix(String prefix) {
    var out = new TreeMap<String, String>();
    values.forEach(
        (k, v) -> {
          if (k.startsWith(prefix)) {
            out.put(k.substring(prefix.length()), v);
          }
        });
    return out;
  }

  public Map<String, String> asMap() {
    return values;
  }

  private static long parseLong(String key, String v) {
    return parseLong(key, v, v);
  }

  /**
   * {@code number}, the part of {@code given} that must be a number; messages show {@code given}.
   */
  private static long parseLong(String key, String number, String given) {
    try {
      return Long.parseLong(number);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "setting " + key + " must be a number, not '" + given.strip() + "'");
    }
  }

  /** Every duration here is a timeout or a wait: a negative one means nothing, and is refused. */
  static Duration parseDuration(String key, String v) {
    Duration d = parseSignedDuration(key, v);
    if (d.isNegative()) {
      throw new IllegalArgumentException(
          "setting " + key + " must be a duration of 0 or more, not '" + v + "'");
    }
    return d;
  }

  private static Duration parseSignedDuration(String key, String v) {
    String s = v.toLowerCase(Locale.ROOT);
    if (s.endsWith("ms")) {
      return Duration.ofMillis(parseLong(key, s.substring(0, s.length() - 2).strip(), v));
    }
    if (s.endsWith("s")) {
      return Duration.ofSeconds(parseLong(key, s.substring(0, s.length() - 1).strip(), v));
    }
    if (s.endsWith("m")) {
      return Duration.ofMinutes(parseLong(key, s.substring(0, s.length() - 1).strip(), v));
    }
    return Duration.ofSeconds(parseLong(key, s, v));
  }

  /** Parses {@code 123}, {@code 8K}, {@code 8KiB}, {@code 64M}, {@code 64MB}, {@code 1G}. */
  public static long parseBytes(String key, String v) {
    String s = v.strip().toUpperCase(Locale.ROOT);
    if (s.endsWith("IB")) {
      s = s.substring(0, s.length() - 2);
    } else if (s.endsWith("B")) {
      s = s.substring(0, s.length() - 1);
    }
    long unit = 1;
    if (!s.isEmpty()) {
      switch (s.charAt(s.length() - 1)) {
        case 'K' -> unit = 1L << 10;
        case 'M' -> unit = 1L << 20;
        case 'G' -> unit = 1L << 30;
        case 'T' -> unit = 1L << 40;
        default -> unit = 1;
      }
      if (unit > 1) {
        s = s.substring(0, s.length() - 1).strip();
      }
    }
    long n = parseLong(key, s, v);
    if (n < 0) {
      throw new IllegalArgumentException("setting " + key + " must not be negative: " + v);
    }
    return Math.multiplyExact(n, unit);
  }

  @Override
  public String toString() {
    return "StorageSettings" + new TreeMap<>(values).keySet();
  }
}
