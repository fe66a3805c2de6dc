package io.lakeexporter.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
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

  @Test
  void otherFailuresAreNotDescribedHere() {
    assertThat(ConnectionFailures.describe(new IOException("disk full"))).isEmpty();
  }
}
