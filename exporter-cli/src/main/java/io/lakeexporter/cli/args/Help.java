package io.lakeexporter.cli.args;

import java.util.List;
import java.util.Map;

/** Renders a command's help: usage line, description, parameters, options, footer. */
public final class Help {

  static final int WIDTH = 80;

  /** Where descriptions start: after the widest common option, {@code --lakefs-endpoint=URL}. */
  static final int COLUMN = 30;

  private Help() {}

  /** The help of a command that takes options and positionals. */
  public static String of(CommandSpec spec) {
    var usage = new StringBuilder("Usage: " + spec.name() + " [OPTIONS]");
    spec.positionals().forEach(p -> usage.append(' ').append(p.label()));
    var out = new StringBuilder();
    line(out, usage.toString());
    spec.description().forEach(d -> wrapped(out, "", d));
    if (!spec.positionals().isEmpty()) {
      out.append("Parameters:\n");
      spec.positionals().forEach(p -> entry(out, p.label(), p.description()));
    }
    options(out, spec);
    spec.footer().forEach(f -> wrapped(out, "", f));
    return out.toString();
  }

  /** The help of a command line tool with commands: {@code commands} maps names to summaries. */
  public static String withCommands(CommandSpec spec, Map<String, String> commands) {
    var out = new StringBuilder();
    line(out, "Usage: " + spec.name() + " [OPTIONS] COMMAND [ARGS]");
    spec.description().forEach(d -> wrapped(out, "", d));
    options(out, spec);
    out.append("Commands:\n");
    commands.forEach((name, summary) -> entry(out, name, summary));
    spec.footer().forEach(f -> wrapped(out, "", f));
    return out.toString();
  }

  private static void options(StringBuilder out, CommandSpec spec) {
    out.append("Options:\n");
    for (Option option : spec.options()) {
      String text = option.description();
      if (option.defaultValue() != null) {
        String shown = " (default: " + option.defaultValue() + ")";
        text =
            text.endsWith(".") ? text.substring(0, text.length() - 1) + shown + "." : text + shown;
      }
      entry(out, label(option), text);
    }
  }

  /** {@code -v, --verbose}, {@code --branch=B}, {@code -D KEY=VALUE}. */
  static String label(Option option) {
    List<String> names = option.names();
    boolean hasShort = names.stream().anyMatch(n -> !n.startsWith("--"));
    String last = names.get(names.size() - 1);
    String label =
        option.label() == null ? "" : (last.startsWith("--") ? "=" : " ") + option.label();
    return (hasShort ? "" : "    ") + String.join(", ", names) + label;
  }

  /** A two-column line: the name, then its text from {@link #COLUMN} on, wrapped. */
  private static void entry(StringBuilder out, String name, String text) {
    String head = "  " + name;
    if (head.length() > COLUMN - 2) {
      line(out, head);
      head = "";
    }
    wrapped(out, head + " ".repeat(COLUMN - head.length()), text);
  }

  /** {@code text} after {@code first}, wrapped at {@link #WIDTH}, continued under its start. */
  private static void wrapped(StringBuilder out, String first, String text) {
    if (first.length() + text.length() <= WIDTH) {
      // As written: a line that fits keeps its own spacing (the description's little tables).
      line(out, first + text);
      return;
    }
    String indent = " ".repeat(first.length());
    var current = new StringBuilder(first);
    int start = current.length();
    for (String word : text.split(" ", -1)) {
      if (current.length() > start && current.length() + 1 + word.length() > WIDTH) {
        line(out, current.toString());
        current = new StringBuilder(indent);
        start = current.length();
      }
      if (current.length() > start) {
        current.append(' ');
      }
      current.append(word);
    }
    line(out, current.toString());
  }

  private static void line(StringBuilder out, String text) {
    out.append(text.stripTrailing()).append('\n');
  }
}
