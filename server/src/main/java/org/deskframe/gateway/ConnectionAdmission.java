package org.deskframe.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.HttpProblems;
import org.deskframe.diagnostics.Problem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Who gets one of the gateway's sockets, decided at accept on the listener's thread. Every gateway connection counts
 * against {@code max-connections}, which stays below the process's open-file limit so that the HTTP API, the database
 * pool and health checks keep descriptors of their own; connections that have not authenticated yet also count, in
 * all and per remote address, so that clients which never finish their handshake cannot crowd out everyone else.
 *
 * <p>A refused connection is answered at once (HTTP 503 {@code gateway.busy}) and holds its descriptor for at most
 * {@link #REFUSAL_LINGER_MS} (not at all when {@link #MAX_LINGERING} others already do). Only the last few descriptors under {@code max-connections} carry such refusals; at
 * {@code max-connections} itself the listener stops accepting until a connection closes (the kernel's listen
 * backlog holds what arrives meanwhile).
 */
@Component
class ConnectionAdmission {

    private static final Logger log = LoggerFactory.getLogger(ConnectionAdmission.class);
    /** On an admitted connection until it authenticates or closes: the address its unauthenticated slot counts under. */
    private static final AttributeKey<InetAddress> UNAUTHENTICATED = AttributeKey.valueOf("deskframe.unauthenticated");
    /** On a refused connection: its answer (null problem: closed without one, see {@link #admit}). */
    private static final AttributeKey<Refusal> REFUSAL = AttributeKey.valueOf("deskframe.refusal");
    /**
     * How long a refused connection may keep its descriptor after its answer: the answer is followed by a FIN, and a
     * client that read it closes at once; closing before the client's request has been read would send a reset, which
     * can destroy the answer before the client reads it.
     */
    static final long REFUSAL_LINGER_MS = 1_000;
    /**
     * At most this many refused connections linger at once; past it (a flood of reconnects), a refusal is closed as
     * soon as its answer is written, so refusals never hold more than a few hundred descriptors.
     */
    static final int MAX_LINGERING = 256;
    /**
     * At most this many accepted connections may wait for the I/O threads to set them up; past it the listener stops
     * accepting for a moment. The listener has a thread of its own, and under a flood of connects it would otherwise
     * accept (and hold descriptors for) far more than the I/O threads can answer.
     */
    static final int MAX_PENDING = 512;
    /** How often the refusals are summed up in the log (one line per period, never one per connection). */
    private static final long REPORT_EVERY_MS = 10_000;

    private record Refusal(Problem problem) {}

    private final GatewaySettings settings;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger unauthenticated = new AtomicInteger();
    private final AtomicInteger lingering = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> unauthenticatedByAddress = new ConcurrentHashMap<>();
    private final LongAdder refusedUnauthenticated = new LongAdder();
    private final LongAdder refusedPerAddress = new LongAdder();
    private final LongAdder refusedFull = new LongAdder();
    private final LongAdder upgradeTimeouts = new LongAdder();
    private volatile InetAddress lastRefusedAddress;
    private volatile long lastReport = System.currentTimeMillis();
    private volatile int maxConnections = Integer.MAX_VALUE;
    private volatile int refusalSlots;
    private volatile Channel listener;
    private volatile boolean paused; // changed under this
    private boolean pausedFull; // guarded by this: the pause was for max-connections (logged once)
    private final ChannelFutureListener onClose = f -> closed(f.channel());
    private final ChannelHandler acceptCounter = new AcceptCounter();

    ConnectionAdmission(GatewaySettings settings) {
        this.settings = settings;
    }

    /** What the limits came to when the gateway started: for its start-up log line. */
    record Limits(int maxConnections, long openFileLimit, long openAtStart, int reserve) {}

    /**
     * Fixes {@code max-connections} once the rest of the server holds its descriptors (the gateway starts last): the
     * configured value, or the open-file limit less what is open now less {@code descriptor-reserve}.
     */
    Limits start(Channel listener) {
        this.listener = listener;
        long limit = -1;
        long openNow = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            limit = unix.getMaxFileDescriptorCount();
            openNow = unix.getOpenFileDescriptorCount();
        }
        int derived = limit > 0 ? (int) Math.max(1, Math.min(Integer.MAX_VALUE, limit - openNow - settings.descriptorReserve()))
                : Integer.MAX_VALUE;
        int max = settings.maxConnections() > 0 ? settings.maxConnections() : derived;
        if (settings.maxConnections() > derived) {
            log.warn("deskframe.gateway.max-connections is {}, but the open-file limit ({}) leaves the gateway {} once {} are open"
                    + " and {} are kept for the HTTP API, the database and health: past that, accepts fail with 'Too many open"
                    + " files' on both ports. Raise the limit (ulimit -n, LimitNOFILE) or lower max-connections.",
                    settings.maxConnections(), limit, derived, openNow, settings.descriptorReserve());
        }
        maxConnections = max;
        // Measured against pausing at the cap without answering anyone (docs/benchmarks.md, "slowloris"): a client
        // then waits out its own timeout in the listen backlog; answered, it knows at once and backs off.
        refusalSlots = Math.min(64, max / 8);
        return new Limits(max, limit, openNow, settings.descriptorReserve());
    }

    /** The listener's handler: counts and judges each accepted connection before it is registered. */
    ChannelHandler acceptCounter() {
        return acceptCounter;
    }

    @ChannelHandler.Sharable
    private final class AcceptCounter extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Channel child = (Channel) msg;
            int n = open.incrementAndGet();
            pending.incrementAndGet();
            child.closeFuture().addListener(onClose);
            Refusal refusal = admit(child, n);
            if (refusal != null) child.attr(REFUSAL).set(refusal);
            updateAccepting();
            ctx.fireChannelRead(child);
        }
    }

    /** Null to admit; else the refusal. {@code n}: gateway connections open, this one included. */
    private Refusal admit(Channel child, int n) {
        InetAddress address = child.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        int max = maxConnections;
        if (n > max) {
            // Accepted in the same read as the one that reached the cap: no descriptor is left to answer it with.
            refusedFull.increment();
            return new Refusal(null);
        }
        if (n > max - refusalSlots) {
            refusedFull.increment();
            return busy(address, "it holds its maximum of " + max + " connections (deskframe.gateway.max-connections)");
        }
        if (unauthenticated.incrementAndGet() > settings.maxUnauthenticated()) {
            unauthenticated.decrementAndGet();
            refusedUnauthenticated.increment();
            return busy(address, settings.maxUnauthenticated() + " connections have not authenticated yet"
                    + " (deskframe.gateway.max-unauthenticated)");
        }
        int perAddress = settings.maxUnauthenticatedPerAddress();
        if (address != null && perAddress > 0) {
            boolean[] admitted = {false};
            unauthenticatedByAddress.compute(address, (k, count) -> {
                int c = count == null ? 0 : count;
                if (c >= perAddress) return count;
                admitted[0] = true;
                return c + 1;
            });
            if (!admitted[0]) {
                unauthenticated.decrementAndGet();
                refusedPerAddress.increment();
                return busy(address, perAddress + " connections from this address have not authenticated yet"
                        + " (deskframe.gateway.max-unauthenticated-per-address)");
            }
        }
        child.attr(UNAUTHENTICATED).set(address == null ? InetAddress.getLoopbackAddress() : address);
        return null;
    }

    private Refusal busy(InetAddress address, String reason) {
        lastRefusedAddress = address;
        return new Refusal(Problem.of(ErrorCode.GATEWAY_BUSY, Map.of("reason", reason)));
    }

    /**
     * Called as each accepted connection gets its pipeline: installs the refusal on one {@link #admit} refused and
     * says so; false for admitted connections. The answer goes out as soon as the connection is active, whether or
     * not its request has arrived.
     */
    boolean pickUp(SocketChannel ch) {
        pending.decrementAndGet();
        updateAccepting();
        Refusal refusal = ch.attr(REFUSAL).getAndSet(null);
        if (refusal == null) return false;
        ch.pipeline().addLast("refusal", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                if (refusal.problem() == null) {
                    ctx.close();
                    return;
                }
                var answered = ctx.writeAndFlush(rawResponse(HttpResponseStatus.SERVICE_UNAVAILABLE, refusal.problem()));
                if (lingering.incrementAndGet() > MAX_LINGERING) {
                    lingering.decrementAndGet();
                    answered.addListener(ChannelFutureListener.CLOSE);
                    return;
                }
                ch.closeFuture().addListener(f -> lingering.decrementAndGet());
                answered.addListener(f -> ch.shutdownOutput());
                ctx.executor().schedule(() -> { ctx.close(); }, REFUSAL_LINGER_MS, TimeUnit.MILLISECONDS);
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ReferenceCountUtil.release(msg);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
            }
        });
        return true;
    }

    /** The connection authenticated (or, for the bench echo, said ready): its unauthenticated slot is free. */
    void authenticated(Channel channel) {
        release(channel);
    }

    /** A connection's upgrade deadline passed (counted for the log summary). */
    void upgradeTimedOut() {
        upgradeTimeouts.increment();
    }

    @SuppressWarnings("deprecation") // getAndRemove: an idle session should not keep an empty attribute for its lifetime
    private void release(Channel channel) {
        InetAddress address = channel.attr(UNAUTHENTICATED).getAndRemove();
        if (address == null) return;
        unauthenticated.decrementAndGet();
        if (settings.maxUnauthenticatedPerAddress() > 0) {
            unauthenticatedByAddress.computeIfPresent(address, (k, c) -> c <= 1 ? null : c - 1);
        }
    }

    private void closed(Channel channel) {
        release(channel);
        open.decrementAndGet();
        updateAccepting();
    }

    /**
     * Accepts stop at max-connections, and while too many accepted connections wait to be set up (they resume once
     * half of those have been: no flapping at the boundary).
     */
    private void updateAccepting() {
        if (shouldPause(paused) == paused) return;
        boolean logFull = false;
        synchronized (this) {
            Channel server = listener;
            boolean pause = shouldPause(paused);
            if (server == null || pause == paused) return;
            paused = pause;
            server.config().setAutoRead(!pause);
            boolean full = open.get() >= maxConnections;
            logFull = pause && full && !pausedFull;
            pausedFull = pause && (full || pausedFull);
        }
        if (logFull) {
            log.warn("The gateway holds its maximum of {} connections (deskframe.gateway.max-connections): it accepts no more"
                    + " until one closes; the HTTP API and health keep their descriptors.", maxConnections);
        }
    }

    private boolean shouldPause(boolean pausedNow) {
        if (open.get() >= maxConnections) return true;
        return pending.get() >= (pausedNow ? MAX_PENDING / 2 : MAX_PENDING);
    }

    /** Called a few times a second: one log line per period with what was refused, if anything was. */
    void reportRefusals() {
        long now = System.currentTimeMillis();
        if (now - lastReport < REPORT_EVERY_MS) return;
        long seconds = Math.max(1, (now - lastReport) / 1000);
        lastReport = now;
        long unauth = refusedUnauthenticated.sumThenReset();
        long perAddress = refusedPerAddress.sumThenReset();
        long full = refusedFull.sumThenReset();
        long timeouts = upgradeTimeouts.sumThenReset();
        if (unauth + perAddress + full + timeouts == 0) return;
        InetAddress last = lastRefusedAddress;
        log.warn("Gateway in the last {} s: refused {} connections with gateway.busy ({} over max-unauthenticated {}, {} over"
                + " max-unauthenticated-per-address {}, {} at max-connections {}; last from {}); {} upgrade requests not complete"
                + " within {} s (upgrade.timeout). Now {} open, {} not authenticated.", seconds, unauth + perAddress + full,
                unauth, settings.maxUnauthenticated(), perAddress, settings.maxUnauthenticatedPerAddress(), full, maxConnections,
                last == null ? "-" : last.getHostAddress(), timeouts, settings.upgradeTimeout().toSeconds(), open.get(),
                unauthenticated.get());
    }

    int open() {
        return open.get();
    }

    int unauthenticated() {
        return unauthenticated.get();
    }

    /**
     * An HTTP/1.1 response with the problem as its JSON body, as bytes: for answers written before the HTTP codec has
     * read a request (a refusal at accept, a deadline that passed mid-request).
     */
    static ByteBuf rawResponse(HttpResponseStatus status, Problem problem) {
        byte[] body = HttpProblems.body(problem);
        String head = "HTTP/1.1 " + status.code() + " " + status.reasonPhrase() + "\r\n"
                + "Content-Type: application/json\r\nCache-Control: no-store\r\nConnection: close\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        return Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), body);
    }
}
