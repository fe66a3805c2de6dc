package io.lakeexporter.storage;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * A request that never got an answer, or whose connection broke off, in words. The SDKs wrap these
 * failures differently (GCS as a status of 0 with no reason, Azure in reactive exceptions, Java's
 * resolver with the bare host name as the message), and their own texts read as "0 null" or "null";
 * every store describes them here so that a wrong endpoint reads the same everywhere.
 */
public final class ConnectionFailures {

  private ConnectionFailures() {}

  /**
   * Whether {@code failure} or one of its causes says the server cannot be reached at all: its host
   * is unknown or has no route, the connection was refused, or TLS failed. Not a timeout (a slow
   * server may still answer) nor a connection that broke off after it was made.
   */
  public static boolean unreachable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof UnknownHostException
          || t instanceof NoRouteToHostException
          || t instanceof ConnectException
          || t instanceof SSLException) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code failure} or one of its causes says the server took the request and did not
   * answer in time (a socket's or an HTTP client's timeout): after a copy's attempts, a server that
   * has gone silent, which the next requests would wait out as well.
   */
  public static boolean timedOut(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SocketTimeoutException || t instanceof HttpTimeoutException) {
        return true;
      }
    }
    return false;
  }

  /**
   * What went wrong on the way to the server, when {@code failure} or one of its causes is a
   * network failure: the host is unknown, the connection was refused or timed out, or TLS failed.
   */
  public static Optional<String> describe(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof UnknownHostException) {
        String host = t.getMessage() == null ? "" : " '" + t.getMessage().split(":")[0] + "'";
        return Optional.of("the host" + host + " is not known (the name does not resolve)");
      }
      if (t instanceof NoRouteToHostException) {
        return Optional.of("no route to the host");
      }
      if (t instanceof ConnectException) {
        return Optional.of("the connection was refused (is the server running, on this port?)");
      }
      if (t instanceof SocketTimeoutException) {
        return Optional.of("the server did not answer in time");
      }
      if (t instanceof SSLException) {
        return Optional.of(
            "the TLS handshake failed (an https endpoint at a server that speaks plain http?): "
                + Redaction.text(String.valueOf(t.getMessage())));
      }
    }
    // A connection that broke, often after the server took the request (a reset while its answer
    // was read): the SDKs pass the socket's failure on as it is, and its text read
    // "java.net.SocketException: Connection reset" or, from the AWS SDK's XML reader, "Could not
    // parse XML response". Looked for after the causes above, which say more.
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SocketException || t instanceof EOFException) {
        return Optional.of(
            "the connection broke off ("
                + Redaction.text(String.valueOf(t.getMessage()))
                + "); the server may have done what was asked");
      }
    }
    return Optional.empty();
  }
}
