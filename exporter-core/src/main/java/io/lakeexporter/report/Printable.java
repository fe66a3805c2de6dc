package io.lakeexporter.report;

/**
 * Keys and messages as one line of a log or a console: a lakeFS path may hold a newline, a carriage
 * return or another control character, which printed as it is would end the line and start one the
 * exporter never wrote (a forged "failed copy ..." or log entry). The status file keeps keys
 * exactly, in JSON.
 */
public final class Printable {

  private Printable() {}

  /**
   * What {@code e} says: its message, or, for one without a message (a NullPointerException), its
   * class with whatever else {@link Throwable#toString} gives, rather than "null".
   */
  public static String said(Throwable e) {
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  /**
   * {@code text} with {@code \n}, {@code \r} and {@code \t} written as such and every other control
   * or line-breaking character as {@code \}{@code uXXXX}; the rest as it is.
   */
  public static String line(String text) {
    if (text == null) {
      return "null";
    }
    int i = 0;
    while (i < text.length() && !escaped(text.charAt(i))) {
      i++;
    }
    if (i == text.length()) {
      return text;
    }
    var out = new StringBuilder(text.length() + 16).append(text, 0, i);
    for (; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!escaped(c)) {
        out.append(c);
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c == '\t') {
        out.append("\\t");
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    return out.toString();
  }

  private static boolean escaped(char c) {
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
  }

  /** {@code n} bytes in the largest binary unit under which it reads 1 or more: 1.5 KiB, 224 B. */
  public static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return tenths(v) + " " + units[u];
  }

  /**
   * {@code value} with one decimal, rounded half up, whatever the locale: what {@code "%.1f"} gives
   * under {@link java.util.Locale#ROOT}, without {@link java.util.Formatter}, whose first use (it
   * parses its patterns with a regular expression) cost the end of an export 7-9 ms, in the summary
   * after the last object was in place.
   */
  public static String tenths(double value) {
    long tenths = Math.round(Math.abs(value) * 10);
    return (value < 0 && tenths > 0 ? "-" : "") + tenths / 10 + "." + tenths % 10;
  }
}
