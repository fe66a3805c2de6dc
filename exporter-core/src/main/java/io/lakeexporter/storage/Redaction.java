package io.lakeexporter.storage;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Makes addresses safe to show in logs, messages, the summary and status files. An address carries
 * a credential in two places: the password of its user info ({@code http://user:password@host}, an
 * endpoint a user wrote so) and its query (a presigned URL's signature, a SAS token). Every address
 * the project shows goes through here, so that a new message cannot forget one of them.
 *
 * <p>A user name alone stays: it names who, not how, and {@code container@account} in {@code
 * abfs://container@account.dfs.core.windows.net} has the shape of one.
 */
public final class Redaction {

  /** What stands where a credential was. */
  public static final String REDACTED = "<redacted>";

  // scheme://user:password@ -- the password runs to the '@' before the host; it cannot hold '/'
  // or whitespace, which would end the authority.
  private static final Pattern USER_INFO_PASSWORD =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://[^/?#@\\s:\"']*):[^/?#@\\s\"']*@");
  private static final Pattern QUERY = Pattern.compile("\\?[^\\s\"']*");

  private Redaction() {}

  /**
   * An authority ({@code user:password@host:port}) with its password replaced; one without user
   * info, or with a user name only, as it is.
   */
  public static String authority(String authority) {
    Objects.requireNonNull(authority, "authority is null");
    int at = authority.lastIndexOf('@');
    int colon = authority.indexOf(':');
    if (at < 0 || colon < 0 || colon > at) {
      return authority;
    }
    return authority.substring(0, colon + 1) + REDACTED + authority.substring(at);
  }

  /**
   * An address (an endpoint, a URL) with the password of its user info and its query replaced:
   * {@code http://u:pw@host/x?sig=1} shows as {@code http://u:<redacted>@host/x?<redacted>}.
   */
  public static String url(String url) {
    Objects.requireNonNull(url, "url is null");
    int q = url.indexOf('?');
    String base = q < 0 ? url : url.substring(0, q);
    int sep = base.indexOf("://");
    if (sep >= 0) {
      int start = sep + 3;
      int end = base.indexOf('/', start);
      if (end < 0) {
        end = base.length();
      }
      base = base.substring(0, start) + authority(base.substring(start, end)) + base.substring(end);
    }
    return q < 0 ? base : base + "?" + REDACTED;
  }

  /**
   * Free text from a library (an SDK's or an HTTP client's message) with the credentials of any
   * address it quotes replaced: user-info passwords, and queries.
   */
  public static String text(String text) {
    Objects.requireNonNull(text, "text is null");
    String withoutPasswords = USER_INFO_PASSWORD.matcher(text).replaceAll("$1:" + REDACTED + "@");
    return QUERY.matcher(withoutPasswords).replaceAll("?" + REDACTED);
  }
}
