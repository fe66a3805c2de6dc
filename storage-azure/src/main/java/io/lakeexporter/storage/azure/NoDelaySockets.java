package io.lakeexporter.storage.azure;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/**
 * Plain sockets with Nagle's algorithm off. OkHttp never turns it off, so the part of a request
 * written after its head (a Put Blob's or Put Block's body) can wait for the server to acknowledge
 * the head, which the server delays (up to 40 ms on Linux) since it has nothing to answer yet.
 * Measured: 2,000 small uploads to Azurite at 16 at a time took 18.9 s with it on, 7.8-10.2 s off.
 * TLS sockets are layered over these, so they inherit the setting.
 */
final class NoDelaySockets extends SocketFactory {

  static final NoDelaySockets INSTANCE = new NoDelaySockets();

  private NoDelaySockets() {}

  @Override
  public Socket createSocket() throws IOException {
    Socket socket = new Socket();
    socket.setTcpNoDelay(true);
    return socket;
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return connected(new InetSocketAddress(host, port), null);
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return connected(
        new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return connected(new InetSocketAddress(host, port), null);
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return connected(
        new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
  }

  /** A socket connected to {@code remote}, bound to {@code local} first unless that is null. */
  private Socket connected(InetSocketAddress remote, InetSocketAddress local) throws IOException {
    Socket socket = createSocket();
    try {
      if (local != null) {
        socket.bind(local);
      }
      socket.connect(remote);
      return socket;
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }
}
