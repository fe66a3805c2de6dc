package io.lakeexporter.cli.args;

/**
 * A required positional parameter of a command.
 *
 * @param label its name in the help and in errors, e.g. {@code <repo>}
 * @param description its help text
 */
public record Positional(String label, String description) {}
