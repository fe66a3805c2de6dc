package io.lakeexporter.cli;

import io.lakeexporter.Version;
import io.lakeexporter.cli.args.ArgsParser;
import io.lakeexporter.cli.args.CommandSpec;
import io.lakeexporter.cli.args.Help;
import io.lakeexporter.cli.args.ParsedArgs;
import io.lakeexporter.cli.args.UsageException;
import io.lakeexporter.source.LakeFsConfig;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code lakefs-export}: export a lakeFS commit to an object-store prefix, run the demo, or serve
 * the emulator. Exit codes: 0 success, 1 the export failed, 2 bad usage or configuration.
 */
public final class Main {

  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  static final CommandSpec SPEC =
      new CommandSpec(
          "lakefs-export",
          List.of("Exports lakeFS commits to S3, Azure Blob, GCS or local directories."),
          List.of(),
          List.of(),
          List.of(
              "'lakefs-export COMMAND --help' or 'lakefs-export help COMMAND' describes a command.",
              "",
              "First time? 'lakefs-export demo' exports a sample repository with nothing to set up.",
              "Exit codes: 0 success, 1 the export failed, 2 bad usage or configuration; 130, 143"
                  + " or 129 when Ctrl-C, SIGTERM or SIGHUP stopped it."));

  /** Where the process's surroundings come from; tests replace them. */
  record Environment(Map<String, String> variables, Path lakectlFile) {}

  private Main() {}

  public static void main(String[] args) {
    StartupWarmUp.begin();
    var out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    var err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(
        run(args, out, err, new Environment(System.getenv(), LakeFsConfig.defaultLakectlFile())));
  }

  /** Runs a command line and returns its exit code. */
  static int run(String[] args, PrintWriter out, PrintWriter err, Environment environment) {
    var commands = new LinkedHashMap<String, Command>();
    for (Command c :
        List.of(
            new ExportCommand(environment),
            new DemoCommand(),
            new EmulatorCommand(),
            new ProvidersCommand())) {
      commands.put(c.spec().name().substring(SPEC.name().length() + 1), c);
    }
    if (args.length == 0) {
      err.print(rootHelp(commands));
      err.flush();
      return USAGE;
    }
    String first = args[0];
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    if (first.equals("help")) {
      return help(rest, commands, out, err);
    }
    Command command = commands.get(first);
    if (command == null) {
      if (!first.startsWith("-")) {
        return usageError(
            SPEC, "Unknown command: '" + first + "'; the commands are " + names(commands), err);
      }
      ParsedArgs root;
      try {
        root = ArgsParser.parse(SPEC, List.of(args));
      } catch (UsageException e) {
        return usageError(SPEC, e.getMessage(), err);
      }
      if (root.flag("--help") || root.flag("--version")) {
        return helpOrVersion(root, rootHelp(commands), out);
      }
      return usageError(SPEC, "No command given; the commands are " + names(commands), err);
    }
    ParsedArgs parsed;
    try {
      parsed = ArgsParser.parse(command.spec(), rest);
    } catch (UsageException e) {
      return usageError(command.spec(), e.getMessage(), err);
    }
    if (parsed.flag("--help") || parsed.flag("--version")) {
      return helpOrVersion(parsed, Help.of(command.spec()), out);
    }
    try {
      return command.run(parsed, out, err);
    } catch (UsageException e) {
      if (!e.aboutTheCommandLine()) {
        // A setting or destination that cannot work: the usage would not help, the trace may.
        err.println("error: " + e.getMessage());
        if (verbose(command, parsed) && e.getCause() != null) {
          e.getCause().printStackTrace(err);
        }
        err.flush();
        return USAGE;
      }
      return usageError(command.spec(), e.getMessage(), err);
    } catch (Exception e) {
      // Commands turn what they expect into messages; anything else (a port in use, an
      // unwritable directory) still gets one clear line, and the trace for reports.
      err.println("error: " + e);
      if (verbose(command, parsed)) {
        e.printStackTrace(err);
      } else {
        err.println("Run again with --verbose for the stack trace.");
      }
      err.flush();
      return FAILED;
    }
  }

  private static boolean verbose(Command command, ParsedArgs parsed) {
    return command.spec().option("--verbose").isPresent() && parsed.count("--verbose") > 0;
  }

  /** Answers {@code --help} (which wins) or {@code --version}. */
  private static int helpOrVersion(ParsedArgs parsed, String help, PrintWriter out) {
    if (parsed.flag("--help")) {
      out.print(help);
    } else {
      out.println("lakefs-export " + Version.get());
    }
    out.flush();
    return OK;
  }

  /** {@code help} and {@code help COMMAND}. */
  private static int help(
      List<String> args, Map<String, Command> commands, PrintWriter out, PrintWriter err) {
    if (args.isEmpty()) {
      out.print(rootHelp(commands));
      out.flush();
      return OK;
    }
    Command command = commands.get(args.get(0));
    if (command == null || args.size() > 1) {
      return usageError(
          SPEC,
          "'help' takes one command (" + String.join(", ", commands.keySet()) + "), not " + args,
          err);
    }
    out.print(Help.of(command.spec()));
    out.flush();
    return OK;
  }

  private static String rootHelp(Map<String, Command> commands) {
    var summaries = new LinkedHashMap<String, String>();
    commands.forEach((name, c) -> summaries.put(name, c.spec().summary()));
    summaries.put("help", "Shows the help of a command: 'help export'.");
    return Help.withCommands(SPEC, summaries);
  }

  private static String names(Map<String, Command> commands) {
    return String.join(", ", commands.keySet()) + ", help";
  }

  private static int usageError(CommandSpec spec, String message, PrintWriter err) {
    err.println("error: " + message);
    err.println("Run '" + spec.name() + " --help' for usage.");
    err.flush();
    return USAGE;
  }
}
