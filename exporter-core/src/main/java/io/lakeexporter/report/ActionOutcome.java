package io.lakeexporter.report;

import io.lakeexporter.copy.CopyStrategy;
import io.lakeexporter.plan.Action;
import java.io.Serializable;
import java.util.Objects;

/**
 * What happened to one action.
 *
 * @param kind copy or delete
 * @param path the lakeFS path
 * @param round its round
 * @param succeeded whether it was done
 * @param strategy how a copy travelled; {@code null} for deletes and failures
 * @param bytes bytes copied
 * @param attempts attempts it took
 * @param source the source address without any signature, or empty
 * @param error why it failed, or empty
 */
public record ActionOutcome(
    Action.Kind kind,
    String path,
    int round,
    boolean succeeded,
    CopyStrategy strategy,
    long bytes,
    int attempts,
    String source,
    String error)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  public ActionOutcome {
    Objects.requireNonNull(kind, "kind is null");
    Objects.requireNonNull(path, "path is null");
    Objects.requireNonNull(source, "source is null");
    Objects.requireNonNull(error, "error is null");
  }

  /**
   * A failure on one line, for a summary: {@code copy <key> (3 attempts): <error>}, the key and the
   * error {@link Printable#line printable}, so that neither can add a line of its own.
   */
  public String failureLine() {
    return kind.label()
        + " "
        + Printable.line(path)
        + (attempts > 1 ? " (" + attempts + " attempts)" : "")
        + ": "
        + Printable.line(error);
  }

  public static ActionOutcome copied(
      Action action, CopyStrategy strategy, long bytes, int attempts, String source) {
    return new ActionOutcome(
        Action.Kind.COPY,
        action.path(),
        action.round(),
        true,
        strategy,
        bytes,
        attempts,
        source,
        "");
  }

  public static ActionOutcome deleted(Action action) {
    return new ActionOutcome(
        Action.Kind.DELETE, action.path(), action.round(), true, null, 0, 1, "", "");
  }

  public static ActionOutcome failed(Action action, String source, String error) {
    return failed(action, source, error, 1);
  }

  /** A failure after {@code attempts} attempts. */
  public static ActionOutcome failed(Action action, String source, String error, int attempts) {
    return new ActionOutcome(
        action.kind(), action.path(), action.round(), false, null, 0, attempts, source, error);
  }
}
