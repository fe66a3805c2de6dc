package io.lakeexporter.plan;

import java.util.Locale;

/** The three ways to export. */
public enum ExportMode {
  /** Every object at a branch's HEAD commit. */
  BRANCH,
  /** Every object of one commit. */
  COMMIT,
  /** Only what changed between a previous commit and a branch's HEAD. */
  DIFF;

  /** Lower-case name, as written in status files. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
