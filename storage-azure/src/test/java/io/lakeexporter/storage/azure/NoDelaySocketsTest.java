package io.lakeexporter.storage.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import org.junit.jupiter.api.Test;

class NoDelaySocketsTest {

  @Test
  void everySocketItMakesHasNagleOff() throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (ServerSocket server = new ServerSocket(0, 8, loopback)) {
      int port = server.getLocalPort();
      NoDelaySockets factory = NoDelaySockets.INSTANCE;
      try (Socket unconnected = factory.createSocket();
          Socket byName = factory.createSocket(loopback.getHostAddress(), port);
          Socket byNameFrom = factory.createSocket(loopback.getHostAddress(), port, loopback, 0);
          Socket byAddress = factory.createSocket(loopback, port);
          Socket byAddressFrom = factory.createSocket(loopback, port, loopback, 0)) {
        assertThat(unconnected.getTcpNoDelay()).isTrue();
        assertThat(unconnected.isConnected()).isFalse();
        for (Socket s : List.of(byName, byNameFrom, byAddress, byAddressFrom)) {
          assertThat(s.getTcpNoDelay()).as("TCP_NODELAY of %s", s).isTrue();
          assertThat(s.isConnected()).as("connected: %s", s).isTrue();
          assertThat(s.getPort()).isEqualTo(port);
        }
        assertThat(byNameFrom.getLocalAddress()).isEqualTo(loopback);
      }
    }
  }

  @Test
  void aRefusedConnectionIsAnError() throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    int closedPort;
    try (ServerSocket gone = new ServerSocket(0, 1, loopback)) {
      closedPort = gone.getLocalPort();
    }
    assertThatThrownBy(() -> NoDelaySockets.INSTANCE.createSocket(loopback, closedPort))
        .isInstanceOf(ConnectException.class);
  }
}
