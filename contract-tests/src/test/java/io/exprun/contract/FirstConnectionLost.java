package io.exprun.contract;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A network that loses the first connection: it reads what the client sends on it and closes it without an answer
 * (a request that may have landed, whose answer never came back); every later connection is relayed, byte for byte,
 * to {@code 127.0.0.1:upstreamPort}. For the client's retry paths, which only a lost answer exercises.
 */
final class FirstConnectionLost implements AutoCloseable {

    private final ServerSocket listener;
    private final int upstreamPort;
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger lost = new AtomicInteger();

    FirstConnectionLost(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "first-connection-lost");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    int connectionsLost() {
        return lost.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                if (accepted.incrementAndGet() == 1) {
                    try (client) {
                        client.getInputStream().read(new byte[8192]); // the request arrives, then nothing comes back
                        lost.incrementAndGet();
                    }
                } else {
                    Socket upstream = new Socket();
                    upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort));
                    relay(client, upstream);
                    relay(upstream, client);
                }
            } catch (IOException e) {
                // the listener closed, or one connection failed: the client under test sees that failure itself
            }
        }
    }

    private static void relay(Socket from, Socket to) {
        Thread pump = new Thread(
                () -> {
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        in.transferTo(out);
                    } catch (IOException e) {
                        // either side closed
                    } finally {
                        try {
                            from.close();
                            to.close();
                        } catch (IOException ignored) {
                            // already closed
                        }
                    }
                },
                "first-connection-lost-relay");
        pump.setDaemon(true);
        pump.start();
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
