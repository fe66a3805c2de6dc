package io.lakeexporter.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class ConnectionFailuresTest {

  @Test
  void aRefusedConnectionIsNamedUnderTheWrappersOfAnSdk() {
    var wrapped =
        new RuntimeException("0 null", new IOException(new ConnectException("Connection refused")));
    assertThat(ConnectionFailures.describe(wrapped))
        .hasValue("the connection was refused (is the server running, on this port?)");
  }

  @Test
  void anUnknownHostIsNamed() {
    var e = new IOException(new UnknownHostException("nosuchhost.invalid"));
    assertThat(ConnectionFailures.describe(e))
        .hasValue("the host 'nosuchhost.invalid' is not known (the name does not resolve)");
  }

  /** Only what no later attempt within seconds would change: not a timeout, not a reset. */
  @Test
  void aServerThatCannotBeReachedIsToldFromOneThatIsSlowOrBrokeOff() {
    assertThat(ConnectionFailures.unreachable(new IOException(new ConnectException("refused"))))
        .isTrue();
    assertThat(ConnectionFailures.unreachable(new UncheckedIOException(new UnknownHostException())))
        .isTrue();
    assertThat(ConnectionFailures.unreachable(new IOException(new SocketTimeoutException())))
        .isFalse();
    assertThat(ConnectionFailures.unreachable(new IOException(new SocketException("reset"))))
        .isFalse();
    assertThat(ConnectionFailures.unreachable(new IOException("disk full"))).isFalse();
  }

  @Test
  void otherFailuresAreNotDescribedHere() {
    assertThat(ConnectionFailures.describe(new IOException("disk full"))).isEmpty();
  }
}
