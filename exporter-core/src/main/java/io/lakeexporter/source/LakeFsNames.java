package io.lakeexporter.source;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * lakeFS's rules for the names of repositories and branches (the patterns of its validator), so
 * that a name lakeFS can never hold is reported as such: lakeFS answers 400 for it, and a server
 * that answers 404 instead would have the exporter say that nothing goes by that name, when the
 * name itself is what is wrong (a branch path such as {@code feature/x}, a repository spelt with
 * capitals or underscores).
 */
public final class LakeFsNames {

  private static final Pattern REPOSITORY = Pattern.compile("[a-z0-9][a-z0-9-]{2,62}");
  // Go's \w, as lakeFS's pattern means it: ASCII letters, digits and '_' (Java's \w is the same).
  private static final Pattern BRANCH = Pattern.compile("\\w[-\\w]*");

  private LakeFsNames() {}

  /** Why lakeFS refuses {@code name} as a repository's name; empty when it takes it. */
  public static Optional<String> repositoryProblem(String name) {
    return problem(
        REPOSITORY,
        name,
        "repository",
        "3 to 63 characters, lowercase letters, digits and '-', the first a letter or digit");
  }

  /** Why lakeFS refuses {@code name} as a branch's name; empty when it takes it. */
  public static Optional<String> branchProblem(String name) {
    return problem(
        BRANCH,
        name,
        "branch",
        "letters, digits, '_' and '-', the first not a '-' (no '/', spaces or dots)");
  }

  private static Optional<String> problem(Pattern rule, String name, String kind, String says) {
    return rule.matcher(name).matches()
        ? Optional.empty()
        : Optional.of("'" + name + "' is not a lakeFS " + kind + " name: " + says);
  }
}
