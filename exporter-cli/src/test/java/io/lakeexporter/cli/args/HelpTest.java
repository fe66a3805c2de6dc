package io.lakeexporter.cli.args;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

class HelpTest {

  private static final CommandSpec SPEC =
      new CommandSpec(
          "tool run",
          List.of("Runs things.", "  --a  keeps its own spacing"),
          List.of(new Positional("<repo>", "The repository.")),
          List.of(
              Option.value("--concurrency", "N", "Threads at once.").withDefault("16"),
              Option.repeated("-D", "KEY=VALUE", "A setting."),
              Option.count("More output.", "-v", "--verbose"),
              Option.value(
                  "--a-rather-long-option-name",
                  "VALUE",
                  "A description long enough that it has to be wrapped onto a second line of"
                      + " the help text.")),
          List.of("", "Exit codes: 0 fine."));

  @Test
  void listsUsagePositionalsAndOptionsInTwoColumns() {
    String help = Help.of(SPEC);
    assertThat(help.lines().toList())
        .startsWith(
            "Usage: tool run [OPTIONS] <repo>",
            "Runs things.",
            "  --a  keeps its own spacing",
            "Parameters:",
            "  <repo>                      The repository.",
            "Options:",
            "      --concurrency=N         Threads at once (default: 16).",
            "  -D KEY=VALUE                A setting.",
            "  -v, --verbose               More output.",
            "      --a-rather-long-option-name=VALUE",
            "                              A description long enough that it has to be",
            "                              wrapped onto a second line of the help text.",
            "  -h, --help                  Show this help and exit.",
            "  -V, --version               Print the version and exit.",
            "",
            "Exit codes: 0 fine.");
    assertThat(help.lines()).allMatch(l -> l.length() <= Help.WIDTH, "at most 80 columns");
  }

  @Test
  void aToolWithCommandsListsTheirSummaries() {
    var commands = new LinkedHashMap<String, String>();
    commands.put("export", "Exports.");
    commands.put("help", "Helps.");
    String help = Help.withCommands(SPEC, commands);
    assertThat(help)
        .startsWith("Usage: tool run [OPTIONS] COMMAND [ARGS]\n")
        .contains("Commands:\n  export                      Exports.\n  help ")
        .doesNotContain("Parameters:");
  }
}
