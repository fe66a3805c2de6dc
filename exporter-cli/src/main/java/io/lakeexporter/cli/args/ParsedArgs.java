package io.lakeexporter.cli.args;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A command line read by {@link ArgsParser}. Options are looked up by any of their names; a name
 * the command does not declare is a programming error, not a user's. Values are kept by the
 * option's first name.
 */
public final class ParsedArgs {

  private final CommandSpec spec;
  private final Map<String, List<String>> values;
  private final Map<String, Integer> counts;
  private final List<String> positionals;

  ParsedArgs(
      CommandSpec spec,
      Map<String, List<String>> values,
      Map<String, Integer> counts,
      List<String> positionals) {
    this.spec = spec;
    this.values = Map.copyOf(values);
    this.counts = Map.copyOf(counts);
    this.positionals = List.copyOf(positionals);
  }

  public CommandSpec spec() {
    return spec;
  }

  /** The positional parameter at {@code index} (all of them are required). */
  public String positional(int index) {
    return positionals.get(index);
  }

  /** Whether a flag was given. */
  public boolean flag(String name) {
    return count(name) > 0;
  }

  /** How often a flag was given: {@code -vv} counts two. */
  public int count(String name) {
    return counts.getOrDefault(declared(name).name(), 0);
  }

  /** The value of an option: as given, else its default, else {@code null}. */
  public String value(String name) {
    Option option = declared(name);
    List<String> given = values.get(option.name());
    return given == null ? option.defaultValue() : given.get(0);
  }

  /** Every value given to a repeated option, in order. */
  public List<String> values(String name) {
    return values.getOrDefault(declared(name).name(), List.of());
  }

  /** The value as a whole number; {@code fallback} when there is none. */
  public int intValue(String name, int fallback) {
    String value = value(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw invalid(name, value, "is not a whole number");
    }
  }

  /** The value as a constant of {@code type}, in any case; {@code null} when there is none. */
  public <E extends Enum<E>> E enumValue(String name, Class<E> type) {
    String value = value(name);
    if (value == null) {
      return null;
    }
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equalsIgnoreCase(value.strip())) {
        return constant;
      }
    }
    throw invalid(name, value, "is not one of " + choices(type));
  }

  /** The value as a path; {@code null} when there is none. */
  public Path path(String name) {
    String value = value(name);
    if (value == null) {
      return null;
    }
    if (value.isBlank()) {
      // Path.of("") is the working directory: an unset variable in --to="$DIR" would name it.
      throw invalid(name, value, "is empty");
    }
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      throw invalid(name, value, "is not a path: " + e.getReason());
    }
  }

  /** The values of a repeated {@code KEY=VALUE} option, the last one winning for a key. */
  public Map<String, String> keyValues(String name) {
    var map = new LinkedHashMap<String, String>();
    for (String pair : values(name)) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        // Not echoed: what follows a mistyped key is often its secret (-D s3.secret-key:...).
        throw new UsageException(
            "Invalid value for option '"
                + name
                + "': "
                + typedKey(pair)
                    .map(
                        k ->
                            "'"
                                + k
                                + "' is followed by '"
                                + pair.charAt(k.length())
                                + "' where KEY=VALUE needs '=' (the rest is not shown: it may be"
                                + " a secret)")
                    .orElse(
                        "an argument has no '=' of KEY=VALUE (it is not shown: it may be a"
                            + " secret)"));
      }
      map.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    return map;
  }

  /**
   * The setting key a {@code KEY=VALUE} argument begins with when {@code =} was mistyped as {@code
   * :} or a space ({@code s3.region:us-east-1}); empty when it does not look like one.
   */
  private static Optional<String> typedKey(String pair) {
    int end = 0;
    while (end < pair.length()
        && (Character.isLetterOrDigit(pair.charAt(end)) || ".-_".indexOf(pair.charAt(end)) >= 0)) {
      end++;
    }
    boolean mistyped = end < pair.length() && (pair.charAt(end) == ':' || pair.charAt(end) == ' ');
    String key = pair.substring(0, end);
    return mistyped && key.contains(".") ? Optional.of(key) : Optional.empty();
  }

  /** The constants of an enum as a user types them: {@code auto, direct, ...}. */
  public static String choices(Class<? extends Enum<?>> type) {
    return Arrays.stream(type.getEnumConstants())
        .map(c -> c.name().toLowerCase(Locale.ROOT))
        .collect(Collectors.joining(", "));
  }

  private Option declared(String name) {
    return spec.option(name)
        .orElseThrow(
            () -> new IllegalArgumentException(spec.name() + " declares no option " + name));
  }

  private static UsageException invalid(String name, String value, String problem) {
    return new UsageException(
        "Invalid value for option '" + name + "': '" + value + "' " + problem);
  }
}
