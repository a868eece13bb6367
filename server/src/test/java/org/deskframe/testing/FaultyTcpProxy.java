package org.deskframe.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A loopback TCP proxy in front of one server (a node's Redis) that a test turns faulty without iptables: it forwards
 * (optionally each chunk {@link #delay delayed}, as over a slow link), {@link #blackHole black-holes} (connections stay
 * open and accepted, nothing is forwarded either way until {@link #restore}, then what was held flows, as TCP
 * retransmission would deliver it), or {@link #reset resets} every connection (RST) and refuses new ones so.
 */
public final class FaultyTcpProxy implements AutoCloseable {

    private record Chunk(byte[] bytes, long due) {}

    private final ServerSocket listener;
    private final int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile long delayNanos;
    private volatile boolean blackHoled;
    private volatile boolean resetting;
    private volatile boolean closed;

    /** Listens on a free loopback port, forwarding to 127.0.0.1:{@code targetPort}. */
    public FaultyTcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("faulty-proxy-accept").start(this::accept);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Holds every chunk this long before it is forwarded (each way). */
    public void delay(Duration delay) {
        delayNanos = delay.toNanos();
    }

    /** Nothing is forwarded, either way, on any connection, old or new, until {@link #restore}. */
    public void blackHole() {
        blackHoled = true;
    }

    /** Resets every open connection and each new one until {@link #restore}. */
    public void reset() {
        resetting = true;
        sockets.forEach(FaultyTcpProxy::abort);
    }

    /** Back to plain forwarding: no delay, nothing held, new connections served. */
    public synchronized void restore() {
        delayNanos = 0;
        resetting = false;
        blackHoled = false;
        notifyAll();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                if (resetting) {
                    abort(client);
                    continue;
                }
                Socket server = new Socket();
                try {
                    server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2_000);
                } catch (IOException refused) {
                    abort(client);
                    continue;
                }
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(server);
                pipe(client, server);
                pipe(server, client);
            } catch (IOException e) {
                if (!closed) java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
            }
        }
    }

    /** One direction: a reader that stamps each chunk, a writer that waits for its due time and for no black hole. */
    private void pipe(Socket from, Socket to) {
        LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) queue.put(new Chunk(Arrays.copyOf(buffer, n), System.nanoTime() + delayNanos));
            } catch (IOException | InterruptedException e) {
                // closed or reset
            }
            queue.add(new Chunk(null, 0));
        });
        Thread.ofVirtual().start(() -> {
            try (OutputStream out = to.getOutputStream()) {
                while (true) {
                    Chunk c = queue.take();
                    if (c.bytes() == null) break;
                    long wait = c.due() - System.nanoTime();
                    if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
                    awaitNoBlackHole();
                    out.write(c.bytes());
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // closed or reset
            } finally {
                abort(from);
                abort(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        });
    }

    private synchronized void awaitNoBlackHole() throws InterruptedException {
        while (blackHoled && !closed) wait(100);
    }

    /** Closes with an RST (linger 0), not a FIN: what a peer sees of a reset connection. */
    private static void abort(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        sockets.forEach(FaultyTcpProxy::abort);
        synchronized (this) {
            notifyAll();
        }
    }
}
