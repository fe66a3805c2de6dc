package io.lakeexporter;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a dry run found that would refuse a run now (a destination it cannot reach or write, its
 * credentials refused, its lease held): a dry run writes nothing, so it goes on to size the export,
 * warns of each, and says them in its result's {@link ExportResult#error()}, so that a script
 * reading its exit code learns a run would fail.
 */
public final class RunRefusals {

  private static final Logger LOG = LoggerFactory.getLogger(RunRefusals.class);

  private final List<String> reasons = new CopyOnWriteArrayList<>();

  /** Warns of {@code why} and keeps it for the result. */
  public void add(String why) {
    LOG.warn("dry run: an export would be refused: {}", why);
    reasons.add(why);
  }

  /** The reasons in one sentence, or empty when none was found. */
  public String said() {
    return reasons.isEmpty() ? "" : "a run now would be refused: " + String.join("; ", reasons);
  }
}
