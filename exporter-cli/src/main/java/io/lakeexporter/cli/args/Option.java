package io.lakeexporter.cli.args;

import java.util.List;

/**
 * An option of a command: the names it answers to, what it takes, and its line in the help.
 *
 * @param names its names, long ({@code --branch}) or short ({@code -v}); the first is the one
 *     values are looked up by
 * @param arity what it takes
 * @param label what the value is called in the help ({@code B} in {@code --branch=B}); {@code null}
 *     for flags
 * @param defaultValue the value when it is not given, shown in the help; {@code null} for none
 * @param description its help text
 */
public record Option(
    List<String> names, Arity arity, String label, String defaultValue, String description) {

  /** What an option takes. */
  public enum Arity {
    /** Nothing: present or not ({@code --dry-run}). */
    FLAG,
    /** Nothing, counted each time it appears ({@code -v}, {@code -vv}). */
    COUNT,
    /** One value, given at most once ({@code --branch=main} or {@code --branch main}). */
    VALUE,
    /** A value each time it appears ({@code -D a=1 -D b=2}). */
    REPEATED;

    boolean takesValue() {
      return this == VALUE || this == REPEATED;
    }
  }

  public Option {
    names = List.copyOf(names);
    if (names.isEmpty()) {
      throw new IllegalArgumentException("an option needs a name");
    }
    for (String name : names) {
      boolean isLong = name.startsWith("--") && name.length() > 2 && name.indexOf('=') < 0;
      boolean isShort = name.length() == 2 && name.charAt(0) == '-' && name.charAt(1) != '-';
      if (!isLong && !isShort) {
        throw new IllegalArgumentException("not an option name: '" + name + "'");
      }
    }
    if (arity.takesValue() == (label == null)) {
      throw new IllegalArgumentException(
          names.get(0) + ": a label goes with an option that takes a value, and only there");
    }
    if (defaultValue != null && arity != Arity.VALUE) {
      throw new IllegalArgumentException(names.get(0) + ": only a single value has a default");
    }
  }

  /** A flag: {@code --dry-run}. */
  public static Option flag(String description, String... names) {
    return new Option(List.of(names), Arity.FLAG, null, null, description);
  }

  /** A flag counted each time it appears: {@code -v}, {@code -vv}. */
  public static Option count(String description, String... names) {
    return new Option(List.of(names), Arity.COUNT, null, null, description);
  }

  /** An option with one value. */
  public static Option value(String name, String label, String description) {
    return new Option(List.of(name), Arity.VALUE, label, null, description);
  }

  /** An option given once per value. */
  public static Option repeated(String name, String label, String description) {
    return new Option(List.of(name), Arity.REPEATED, label, null, description);
  }

  /** This option with the value it has when not given. */
  public Option withDefault(String value) {
    return new Option(names, arity, label, value, description);
  }

  /** The name values are looked up by. */
  public String name() {
    return names.get(0);
  }

  public boolean takesValue() {
    return arity.takesValue();
  }
}
