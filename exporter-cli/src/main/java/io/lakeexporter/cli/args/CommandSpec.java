package io.lakeexporter.cli.args;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a command accepts, and what its help says. Every command also takes {@link #HELP} and {@link
 * #VERSION}.
 *
 * @param name the command as typed, e.g. {@code lakefs-export export}
 * @param description the help's text before the options; its first line is the command's summary
 * @param positionals the required parameters, in order
 * @param options the options, in the help's order ({@link #HELP} and {@link #VERSION} last)
 * @param footer the help's text after the options
 */
public record CommandSpec(
    String name,
    List<String> description,
    List<Positional> positionals,
    List<Option> options,
    List<String> footer) {

  public static final Option HELP = Option.flag("Show this help and exit.", "-h", "--help");
  public static final Option VERSION =
      Option.flag("Print the version and exit.", "-V", "--version");

  public CommandSpec {
    if (description.isEmpty()) {
      throw new IllegalArgumentException(name + ": a command needs a description");
    }
    description = List.copyOf(description);
    positionals = List.copyOf(positionals);
    var all = new ArrayList<>(options);
    all.add(HELP);
    all.add(VERSION);
    options = List.copyOf(all);
    footer = List.copyOf(footer);
    index(name, options);
  }

  /** The option with this name, if the command has one. */
  public Optional<Option> option(String optionName) {
    for (Option option : options) {
      if (option.names().contains(optionName)) {
        return Optional.of(option);
      }
    }
    return Optional.empty();
  }

  /** The first line of the description. */
  public String summary() {
    return description.get(0);
  }

  /** Options by every one of their names. */
  Map<String, Option> optionsByName() {
    return index(name, options);
  }

  private static Map<String, Option> index(String command, List<Option> options) {
    var byName = new HashMap<String, Option>();
    for (Option option : options) {
      for (String n : option.names()) {
        if (byName.put(n, option) != null) {
          throw new IllegalArgumentException(command + ": option " + n + " declared twice");
        }
      }
    }
    return byName;
  }
}
