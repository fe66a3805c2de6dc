package io.lakeexporter.cli.args;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArgsParserTest {

  enum Mode {
    AUTO,
    DIRECT
  }

  private static final CommandSpec SPEC =
      new CommandSpec(
          "tool run",
          List.of("Runs."),
          List.of(new Positional("<repo>", "The repository."), new Positional("<dest>", "Where.")),
          List.of(
              Option.value("--branch", "B", "A branch."),
              Option.value("--concurrency", "N", "Threads.").withDefault("16"),
              Option.value("--mode", "MODE", "A mode.").withDefault("auto"),
              Option.value("--config", "FILE", "A file."),
              Option.repeated("-D", "KEY=VALUE", "A setting."),
              Option.flag("Nothing written.", "--dry-run"),
              Option.count("More output.", "-v", "--verbose")),
          List.of());

  private static ParsedArgs parse(String... args) {
    return ArgsParser.parse(SPEC, List.of(args));
  }

  @Test
  void readsEveryFormOfOptionsAroundThePositionals() {
    ParsedArgs args =
        parse(
            "--branch=main",
            "repo",
            "-Da=1",
            "-D",
            "b=2",
            "-D=c=x=y",
            "dest",
            "--concurrency",
            "4",
            "-vv",
            "--verbose",
            "--dry-run",
            "--mode=DiReCt",
            "--config",
            "/etc/x.properties");
    assertThat(args.positional(0)).isEqualTo("repo");
    assertThat(args.positional(1)).isEqualTo("dest");
    assertThat(args.value("--branch")).isEqualTo("main");
    assertThat(args.intValue("--concurrency", 0)).isEqualTo(4);
    assertThat(args.keyValues("-D"))
        .containsExactly(Map.entry("a", "1"), Map.entry("b", "2"), Map.entry("c", "x=y"));
    assertThat(args.count("-v")).isEqualTo(3);
    assertThat(args.count("--verbose")).isEqualTo(3);
    assertThat(args.flag("--dry-run")).isTrue();
    assertThat(args.enumValue("--mode", Mode.class)).isEqualTo(Mode.DIRECT);
    assertThat(args.path("--config")).isEqualTo(Path.of("/etc/x.properties"));
  }

  @Test
  void optionsNotGivenHaveTheirDefaultsOrNothing() {
    ParsedArgs args = parse("repo", "dest");
    assertThat(args.intValue("--concurrency", 0)).isEqualTo(16);
    assertThat(args.enumValue("--mode", Mode.class)).isEqualTo(Mode.AUTO);
    assertThat(args.value("--branch")).isNull();
    assertThat(args.path("--config")).isNull();
    assertThat(args.values("-D")).isEmpty();
    assertThat(args.flag("--dry-run")).isFalse();
    assertThat(args.count("--verbose")).isZero();
  }

  @Test
  void aDoubleDashEndsTheOptionsAndValuesMayLookNegative() {
    ParsedArgs args = parse("--concurrency", "-3", "--", "-repo", "--dest");
    assertThat(args.intValue("--concurrency", 0)).isEqualTo(-3);
    assertThat(args.positional(0)).isEqualTo("-repo");
    assertThat(args.positional(1)).isEqualTo("--dest");
  }

  @Test
  void helpAndVersionNeedNoPositionals() {
    assertThat(parse("--help").flag("--help")).isTrue();
    assertThat(parse("-V").flag("--version")).isTrue();
    assertThat(parse("repo", "-h").flag("-h")).isTrue();
  }

  @Test
  void badCommandLinesNameWhatIsWrong() {
    assertUsage("Missing required parameters: '<repo>', '<dest>'");
    assertUsage("Missing required parameter: '<dest>'", "repo");
    assertUsage("Unexpected argument: 'extra' (tool run takes 2 parameters)", "r", "d", "extra");
    assertUsage("Unknown option: '--bogus'", "r", "d", "--bogus=1");
    assertUsage("Unknown option: '--dry_run'; did you mean '--dry-run'?", "r", "d", "--dry_run");
    assertUsage("Unknown option: '-x' in '-vx'", "r", "d", "-vx");
    assertUsage("Missing value for option '--branch'", "r", "d", "--branch");
    assertUsage(
        "Missing value for option '--branch': found option '--dry-run' instead",
        "r",
        "d",
        "--branch",
        "--dry-run");
    assertUsage("Option '--branch' given twice: 'a' and 'b'", "r", "d", "--branch=a", "--branch=b");
    assertUsage("Option '--dry-run' takes no value", "r", "d", "--dry-run=yes");
  }

  @Test
  void valuesOfTheWrongKindNameTheOptionAndTheValue() {
    assertThatThrownBy(() -> parse("r", "d", "--concurrency=many").intValue("--concurrency", 0))
        .isInstanceOf(UsageException.class)
        .hasMessage("Invalid value for option '--concurrency': 'many' is not a whole number");
    assertThatThrownBy(() -> parse("r", "d", "--mode=fast").enumValue("--mode", Mode.class))
        .isInstanceOf(UsageException.class)
        .hasMessage("Invalid value for option '--mode': 'fast' is not one of auto, direct");
    assertThatThrownBy(() -> parse("r", "d", "-D", "novalue").keyValues("-D"))
        .isInstanceOf(UsageException.class)
        .hasMessage(
            "Invalid value for option '-D': an argument has no '=' of KEY=VALUE (it is not"
                + " shown: it may be a secret)");
    assertThatThrownBy(() -> parse("r", "d", "-D", "s3.secret-access-key:S3SECRET").keyValues("-D"))
        .hasMessage(
            "Invalid value for option '-D': 's3.secret-access-key' is followed by ':' where"
                + " KEY=VALUE needs '=' (the rest is not shown: it may be a secret)");
    assertThatThrownBy(() -> parse("r", "d", "-D", "S3SECRET.x").keyValues("-D"))
        .hasMessageNotContaining("S3SECRET");
  }

  @Test
  void askingForAnUndeclaredOptionIsAProgrammingError() {
    assertThatThrownBy(() -> parse("r", "d").value("--brnach"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--brnach");
  }

  @Test
  void specsRejectDuplicateAndMalformedNames() {
    assertThatThrownBy(
            () ->
                new CommandSpec(
                    "tool",
                    List.of("x"),
                    List.of(),
                    List.of(Option.flag("again", "--help")),
                    List.of()))
        .hasMessageContaining("--help declared twice");
    assertThatThrownBy(() -> Option.flag("bad", "branch")).hasMessageContaining("'branch'");
    assertThatThrownBy(() -> Option.flag("bad", "-ab")).hasMessageContaining("'-ab'");
    assertThatThrownBy(() -> Option.flag("x", "--dry-run").withDefault("yes"))
        .hasMessageContaining("only a single value has a default");
  }

  private static void assertUsage(String message, String... args) {
    assertThatThrownBy(() -> parse(args))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith(message);
  }
}
