package io.lakeexporter.cli;

import io.lakeexporter.cli.args.CommandSpec;
import io.lakeexporter.cli.args.ParsedArgs;
import java.io.PrintWriter;

/** A command of {@code lakefs-export}: what it accepts, and what it does with it. */
interface Command {

  CommandSpec spec();

  /**
   * Runs the command. A {@link io.lakeexporter.cli.args.UsageException} exits 2 with its message;
   * any other exception exits 1.
   *
   * @return the exit code
   */
  int run(ParsedArgs args, PrintWriter out, PrintWriter err) throws Exception;
}
