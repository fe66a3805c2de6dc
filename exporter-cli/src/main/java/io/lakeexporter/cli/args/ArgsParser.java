package io.lakeexporter.cli.args;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a command line against a {@link CommandSpec}: {@code --name=value}, {@code --name value},
 * {@code -Dkey=value}, {@code -D key=value}, clustered flags ({@code -vv}), and {@code --} before
 * positionals that start with a dash. Nothing is looked up by reflection, which keeps a start of
 * the command line tool in the milliseconds.
 */
public final class ArgsParser {

  private final CommandSpec spec;
  private final Map<String, Option> byName;
  // By the option's first name: a record's own hashCode is bootstrapped through method handles,
  // which cost a start of the tool some 30 ms.
  private final Map<String, List<String>> values = new HashMap<>();
  private final Map<String, Integer> counts = new HashMap<>();
  private final List<String> positionals = new ArrayList<>();

  private ArgsParser(CommandSpec spec) {
    this.spec = spec;
    this.byName = spec.optionsByName();
  }

  /**
   * @throws UsageException naming the argument that does not fit; with {@code --help} or {@code
   *     --version} given, missing parameters are not an error
   */
  public static ParsedArgs parse(CommandSpec spec, List<String> args) {
    return new ArgsParser(spec).read(args);
  }

  private ParsedArgs read(List<String> args) {
    boolean onlyPositionals = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (onlyPositionals || arg.equals("-") || !arg.startsWith("-")) {
        positionals.add(arg);
      } else if (arg.equals("--")) {
        onlyPositionals = true;
      } else if (arg.startsWith("--")) {
        i = readLong(args, i);
      } else {
        i = readShort(args, i);
      }
    }
    var parsed = new ParsedArgs(spec, values, counts, positionals);
    if (parsed.flag(CommandSpec.HELP.name()) || parsed.flag(CommandSpec.VERSION.name())) {
      return parsed;
    }
    int expected = spec.positionals().size();
    if (positionals.size() < expected) {
      var missing =
          spec.positionals().subList(positionals.size(), expected).stream()
              .map(p -> "'" + p.label() + "'")
              .toList();
      throw new UsageException(
          (missing.size() == 1 ? "Missing required parameter: " : "Missing required parameters: ")
              + String.join(", ", missing));
    }
    if (positionals.size() > expected) {
      throw new UsageException(
          "Unexpected argument: '"
              + positionals.get(expected)
              + "' ("
              + spec.name()
              + " takes "
              + (expected == 0
                  ? "no parameters"
                  : expected == 1 ? "one parameter" : expected + " parameters")
              + ")");
    }
    return parsed;
  }

  /** {@code --name}, {@code --name=value} or {@code --name value}; returns the last index used. */
  private int readLong(List<String> args, int i) {
    String arg = args.get(i);
    int eq = arg.indexOf('=');
    String name = eq < 0 ? arg : arg.substring(0, eq);
    Option option = known(name);
    if (!option.takesValue()) {
      if (eq >= 0) {
        throw new UsageException(
            "Option '" + name + "' takes no value, but was given '" + arg + "'");
      }
      mark(option);
      return i;
    }
    if (eq >= 0) {
      add(option, name, arg.substring(eq + 1));
      return i;
    }
    add(option, name, next(args, i, name));
    return i + 1;
  }

  /** {@code -v}, {@code -vv}, {@code -Dk=v}, {@code -D=k=v} or {@code -D k=v}. */
  private int readShort(List<String> args, int i) {
    String arg = args.get(i);
    for (int j = 1; j < arg.length(); j++) {
      String name = "-" + arg.charAt(j);
      Option option = byName.get(name);
      if (option == null) {
        throw new UsageException(
            "Unknown option: '" + name + "'" + (arg.length() > 2 ? " in '" + arg + "'" : ""));
      }
      if (option.takesValue()) {
        String rest = arg.substring(j + 1);
        if (rest.startsWith("=")) {
          rest = rest.substring(1);
        }
        if (!rest.isEmpty()) {
          add(option, name, rest);
          return i;
        }
        add(option, name, next(args, i, name));
        return i + 1;
      }
      mark(option);
    }
    return i;
  }

  private Option known(String name) {
    Option option = byName.get(name);
    if (option == null) {
      throw new UsageException("Unknown option: '" + name + "'" + spelledOtherwise(name));
    }
    return option;
  }

  /**
   * The option {@code name} stands for with its hyphens and underscores the other way round: the
   * export command mixes the two, {@code --commit_id} and {@code --prev_commit_id} beside {@code
   * --lakefs-endpoint}.
   */
  private String spelledOtherwise(String name) {
    String plain = name.replace('_', '-');
    return byName.keySet().stream()
        .filter(known -> known.replace('_', '-').equals(plain))
        .findFirst()
        .map(known -> "; did you mean '" + known + "'?")
        .orElse("");
  }

  /** The value after an option; an option name there means the value was forgotten. */
  private String next(List<String> args, int i, String name) {
    if (i + 1 >= args.size()) {
      throw new UsageException("Missing value for option '" + name + "'");
    }
    String value = args.get(i + 1);
    if (value.startsWith("-") && looksLikeOption(value)) {
      throw new UsageException(
          "Missing value for option '" + name + "': found option '" + value + "' instead");
    }
    return value;
  }

  private boolean looksLikeOption(String arg) {
    if (arg.startsWith("--")) {
      int eq = arg.indexOf('=');
      return byName.containsKey(eq < 0 ? arg : arg.substring(0, eq));
    }
    return arg.length() > 1 && byName.containsKey(arg.substring(0, 2));
  }

  private void mark(Option option) {
    counts.merge(option.name(), 1, Integer::sum);
  }

  private void add(Option option, String name, String value) {
    List<String> list = values.computeIfAbsent(option.name(), o -> new ArrayList<>());
    if (option.arity() == Option.Arity.VALUE && !list.isEmpty()) {
      throw new UsageException(
          "Option '" + name + "' given twice: '" + list.get(0) + "' and '" + value + "'");
    }
    list.add(value);
  }
}
