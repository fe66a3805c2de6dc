package io.lakeexporter.storage;

import java.io.IOException;

/**
 * The store refused a request for a reason sending it again cannot change: a malformed request,
 * credentials it does not accept, a permission missing, a precondition that does not hold. Never
 * retried: with wrong credentials and 100,000 objects, four attempts each would be 400,000 refusals
 * and minutes of backing off before the cause is reported.
 */
public class RequestRefusedException extends IOException {
  private static final long serialVersionUID = 1L;

  public RequestRefusedException(String message) {
    super(message);
  }

  /**
   * Whether an HTTP status refuses the request for good. Not 404 (a missing object, which stores
   * report as {@link java.io.FileNotFoundException}), nor 408, 409 and 429, which a later attempt
   * can outlast (a timeout, a conflicting operation still running, throttling), nor any 5xx.
   */
  public static boolean isRefusal(int status) {
    return switch (status) {
      case 400, 401, 403, 405, 411, 412, 413, 414, 416 -> true;
      default -> false;
    };
  }
}
