package io.lakeexporter.filter;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Rounds from ordered glob patterns, for ordering needs that should not take Java code (Delta
 * {@code _delta_log/**} last, {@code *.manifest} last).
 *
 * <p>Round N has a list of globs. A key goes to the first round, in order, that has a pattern
 * matching it; a key that matches no pattern goes to the first round whose list is empty (the
 * catch-all), or to round 1 when every round has patterns.
 *
 * <p>Globs match whole keys: {@code *} matches within one path segment, {@code **} across segments,
 * {@code **}{@code /} at the start of a glob or after a {@code /} also matches no directory at all
 * (so {@code **}{@code /_SUCCESS} matches {@code _SUCCESS}, and {@code t/**}{@code /_SUCCESS}
 * matches {@code t/_SUCCESS}), {@code ?} matches one character other than {@code /}. A backslash
 * takes the next character as it is: {@code \*}, {@code \?}, and in a spec {@code \,} and {@code
 * \;} for keys that hold them, {@code \\} for a backslash.
 */
public final class GlobRoundFilter implements KeyFilter, Serializable {
  private static final long serialVersionUID = 1L;

  private final List<List<String>> globs;
  private final List<List<Pattern>> patterns;
  private final int catchAllRound;

  private GlobRoundFilter(List<List<String>> globs) {
    if (globs.isEmpty()) {
      throw new IllegalArgumentException("a round filter needs at least one round");
    }
    this.globs = globs.stream().map(List::copyOf).toList();
    this.patterns =
        this.globs.stream()
            .map(round -> round.stream().map(GlobRoundFilter::compile).toList())
            .toList();
    int catchAll = 1;
    for (int i = 0; i < this.globs.size(); i++) {
      if (this.globs.get(i).isEmpty()) {
        catchAll = i + 1;
        break;
      }
    }
    this.catchAllRound = catchAll;
  }

  /**
   * A filter with one list of globs per round, in round order.
   *
   * @throws IllegalArgumentException when there is no round, or a glob is empty
   */
  public static GlobRoundFilter of(List<List<String>> globsPerRound) {
    Objects.requireNonNull(globsPerRound, "globsPerRound is null");
    return new GlobRoundFilter(globsPerRound);
  }

  /**
   * Parses {@code ;}-separated rounds of {@code ,}-separated globs; an empty round is the
   * catch-all. {@code ";**}{@code /_SUCCESS,_SUCCESS"} is the Spark default; {@code
   * ";_delta_log/**,**}{@code /_delta_log/**"} puts Delta logs last.
   *
   * <p>Every spec parses: blank globs are skipped, and every character but {@code *} and {@code ?}
   * matches itself. So a spec nobody meant parses too ({@code ";"} makes a second round that no key
   * reaches); {@link #parseStrict} refuses those, for specs typed by people.
   */
  public static GlobRoundFilter parse(String spec) {
    Objects.requireNonNull(spec, "spec is null");
    var rounds = new ArrayList<List<String>>();
    var round = new ArrayList<String>();
    var glob = new StringBuilder();
    for (int i = 0; i < spec.length(); i++) {
      char c = spec.charAt(i);
      if (c == '\\' && i + 1 < spec.length()) {
        // Kept escaped: compile() reads it, and a ',' or ';' here ends nothing.
        glob.append(c).append(spec.charAt(++i));
      } else if (c == ',' || c == ';') {
        addGlob(round, glob);
        if (c == ';') {
          rounds.add(round);
          round = new ArrayList<>();
        }
      } else {
        glob.append(c);
      }
    }
    addGlob(round, glob);
    rounds.add(round);
    return new GlobRoundFilter(rounds);
  }

  /** Adds {@code glob} to {@code round} unless blank, and empties it for the next one. */
  private static void addGlob(List<String> round, StringBuilder glob) {
    if (!glob.toString().isBlank()) {
      round.add(glob.toString().strip());
    }
    glob.setLength(0);
  }

  /**
   * Parses a spec typed on a command line ({@code --rounds}): the syntax of {@link #parse}, less
   * what would surely surprise whoever typed it, each refused with the reason instead of exporting
   * in an order nobody asked for: a blank spec, a second empty round (the first one already takes
   * every key no pattern matches, so the second would stay empty), {@code **} beside other rounds
   * (it takes every key, so the later rounds or the empty one would stay empty), and {@code {}} or
   * {@code []}, which shells and other glob dialects read as alternatives and classes but this
   * syntax takes literally.
   *
   * @throws IllegalArgumentException saying what is wrong with the spec
   */
  public static GlobRoundFilter parseStrict(String spec) {
    Objects.requireNonNull(spec, "spec is null");
    if (spec.isBlank()) {
      throw new IllegalArgumentException(
          "the round spec is empty; e.g. ';**/_SUCCESS' puts Spark markers in a last round");
    }
    GlobRoundFilter filter = parse(spec);
    if (filter.globs.stream().allMatch(List::isEmpty)) {
      throw new IllegalArgumentException(
          "the round spec has no patterns; e.g. ';**/_SUCCESS' puts Spark markers in a last round");
    }
    int catchAll = 0;
    for (int i = 0; i < filter.globs.size(); i++) {
      List<String> round = filter.globs.get(i);
      if (round.isEmpty()) {
        if (catchAll > 0) {
          throw new IllegalArgumentException(
              "round "
                  + (i + 1)
                  + " has no patterns, but round "
                  + catchAll
                  + " already takes every key no pattern matches");
        }
        catchAll = i + 1;
      }
      for (String glob : round) {
        boolean laterRounds = i + 1 < filter.globs.size();
        if (takesEveryKey(glob) && (laterRounds || filter.globs.stream().anyMatch(List::isEmpty))) {
          throw new IllegalArgumentException(
              "pattern '"
                  + glob
                  + "' of round "
                  + (i + 1)
                  + " takes every key, so "
                  + (laterRounds ? "the rounds after it" : "the empty round")
                  + " would stay empty; '**' alone is one round, all at once");
        }
        for (int earlier = 0; earlier < i; earlier++) {
          if (filter.globs.get(earlier).contains(glob)) {
            throw new IllegalArgumentException(
                "pattern '"
                    + glob
                    + "' of round "
                    + (i + 1)
                    + " is in round "
                    + (earlier + 1)
                    + " already, which takes its keys first");
          }
        }
        if (glob.replaceAll("\\\\.", "").chars().anyMatch(c -> "{}[]".indexOf(c) >= 0)) {
          throw new IllegalArgumentException(
              "glob '"
                  + glob
                  + "' uses {} or [], which round specs do not support; list the patterns"
                  + " separated by ',' (only *, ** and ? are wildcards; a backslash takes the"
                  + " next character as it is)");
        }
      }
    }
    return filter;
  }

  /** Whether {@code glob} matches every key: {@code **}, or {@code **}{@code /*} and the like. */
  private static boolean takesEveryKey(String glob) {
    String rest = glob;
    while (rest.startsWith("**/")) {
      rest = rest.substring(3);
    }
    // "*" alone takes only keys at the root; after "**/", a last segment of any key.
    return rest.equals("**") || rest.equals("*") && !rest.equals(glob);
  }

  /** The globs of each round. */
  public List<List<String>> globs() {
    return globs;
  }

  @Override
  public int rounds() {
    return globs.size();
  }

  @Override
  public int roundForKey(String key) {
    for (int round = 0; round < patterns.size(); round++) {
      for (Pattern pattern : patterns.get(round)) {
        if (pattern.matcher(key).matches()) {
          return round + 1;
        }
      }
    }
    return catchAllRound;
  }

  static Pattern compile(String glob) {
    if (glob.isEmpty()) {
      throw new IllegalArgumentException("empty glob");
    }
    var regex = new StringBuilder();
    int i = 0;
    while (i < glob.length()) {
      char c = glob.charAt(i);
      if (c == '\\' && i + 1 < glob.length()) {
        regex.append(Pattern.quote(String.valueOf(glob.charAt(i + 1))));
        i += 2;
      } else if (c == '*') {
        if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
          // "**/" as no directory or any: only where a segment starts ("t**/x" is t.*/x).
          boolean segmentStart = i == 0 || glob.charAt(i - 1) == '/';
          if (segmentStart && i + 2 < glob.length() && glob.charAt(i + 2) == '/') {
            regex.append("(?:.*/)?");
            i += 3;
          } else {
            regex.append(".*");
            i += 2;
          }
        } else {
          regex.append("[^/]*");
          i++;
        }
      } else if (c == '?') {
        regex.append("[^/]");
        i++;
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
        i++;
      }
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }

  @Override
  public String toString() {
    return "GlobRoundFilter" + globs;
  }
}
