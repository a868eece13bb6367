package org.deskframe.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A free port on 127.0.0.1 in a range of its own, for a server a test starts as a child process (redis-server,
 * turnserver): away from the ephemeral range, so an outgoing connection cannot take it meanwhile.
 */
final class LoopbackPorts {

    private LoopbackPorts() {}

    /** A port in {@code from}..{@code from + 999} free for TCP, and for UDP too when {@code udp}. */
    static int free(int from, boolean udp) throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = from + ThreadLocalRandom.current().nextInt(1000);
            try (ServerSocket tcp = new ServerSocket(); DatagramSocket datagram = udp ? new DatagramSocket(null) : null) {
                tcp.setReuseAddress(false);
                tcp.bind(new InetSocketAddress("127.0.0.1", port));
                if (datagram != null) datagram.bind(new InetSocketAddress("127.0.0.1", port));
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port in " + from + "-" + (from + 999));
    }

    /** Whether something accepts TCP connections on 127.0.0.1:{@code port} (within 200 ms). */
    static boolean listening(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
