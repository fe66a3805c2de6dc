package io.lakeexporter.cli;

import io.lakeexporter.Version;
import io.lakeexporter.source.LakeFsConfig;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code lakefs-export}: export a lakeFS commit to an object-store prefix, run the demo, or serve
 * the emulator. Exit codes: 0 success, 1 the export failed, 2 bad usage or configuration.
 */
@Command(
    name = "lakefs-export",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    description = "Exports lakeFS commits to S3, Azure Blob, GCS or local directories.",
    footer = {
      "",
      "First time? 'lakefs-export demo' exports a sample repository with nothing to set up.",
      "Exit codes: 0 success, 1 the export failed, 2 bad usage or configuration."
    },
    subcommands = {
      ExportCommand.class,
      DemoCommand.class,
      EmulatorCommand.class,
      ProvidersCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Callable<Integer> {

  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Where the process's surroundings come from; tests replace them. */
  record Environment(Map<String, String> variables, Path lakectlFile) {}

  /** No command given: show what there is. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return USAGE;
  }

  public static void main(String[] args) {
    var out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    var err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(
        run(args, out, err, new Environment(System.getenv(), LakeFsConfig.defaultLakectlFile())));
  }

  /** Runs a command line and returns its exit code. */
  static int run(String[] args, PrintWriter out, PrintWriter err, Environment environment) {
    CommandLine cli =
        new CommandLine(new Main(), new Factory(environment))
            .setOut(out)
            .setErr(err)
            .setCaseInsensitiveEnumValuesAllowed(true)
            .setExitCodeExceptionMapper(
                e -> e instanceof CommandLine.ParameterException ? USAGE : FAILED)
            .setParameterExceptionHandler(
                (e, a) -> {
                  CommandLine c = e.getCommandLine();
                  c.getErr().println("error: " + e.getMessage());
                  c.getErr()
                      .println(
                          "Run '" + c.getCommandSpec().qualifiedName() + " --help' for usage.");
                  return USAGE;
                })
            .setExecutionExceptionHandler(
                (e, c, parsed) -> {
                  // Commands turn what they expect into messages; anything else (a port in use,
                  // an unwritable directory) still gets one clear line, and the trace for reports.
                  c.getErr().println("error: " + e);
                  if (parsed.originalArgs().stream()
                      .anyMatch(a -> a.equals("--verbose") || a.matches("-v+"))) {
                    e.printStackTrace(c.getErr());
                  } else {
                    c.getErr().println("Run again with --verbose for the stack trace.");
                  }
                  c.getErr().flush();
                  return FAILED;
                });
    cli.getCommandSpec().exitCodeOnUsageHelp(OK);
    cli.getCommandSpec().exitCodeOnVersionHelp(OK);
    return cli.execute(args);
  }

  /** Hands the environment to the commands that read it. */
  private record Factory(Environment environment) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> type) throws Exception {
      if (type == ExportCommand.class) {
        return type.cast(new ExportCommand(environment));
      }
      return CommandLine.defaultFactory().create(type);
    }
  }

  /** The version from the build. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"lakefs-export " + Version.get()};
    }
  }
}
