package org.deskframe.gateway;

import java.util.ArrayList;
import java.util.Arrays;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.identity.Scope;
import org.deskframe.identity.Widget;
import org.deskframe.protocol.FrameCodec;
import org.deskframe.protocol.ServerFrame;
import org.deskframe.tokens.VerifiedToken;

/**
 * One open gateway connection: its socket, where it is in the handshake, who it belongs to, the token it runs on, and
 * the per-session state capabilities attach to it (messaging's delivery cursors). Kept small: there is one per open
 * widget, and an idle one holds no queue of any kind.
 */
final class StreamSession extends DeadlineWheel.Entry implements GatewaySession {

    enum State { AWAITING_AUTH, READY, CLOSED }

    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * How long a closing connection waits for the peer's answering close frame (which ends it at once, RFC 6455
     * section 7.1.1) before the socket is cut. Closing the socket right after our close frame could reset the
     * connection while the peer is still sending, and the peer would never read the close code.
     */
    static final long FORCE_CLOSE_MS = 3_000;
    /**
     * The longest a close frame may wait behind what is queued for a reader that is behind (a slow consumer has up to
     * the send buffer ahead of it): a reader still reading gets the close code, one that stopped is cut off here.
     */
    static final long MAX_CLOSE_QUEUE_MS = 10_000;
    /** The ping frame's text, encoded once for every session; each write sends a duplicate that shares its bytes. */
    private static final ByteBuf PING = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer().writeBytes(FrameCodec.encode(new ServerFrame.Ping()).getBytes(StandardCharsets.UTF_8))).asReadOnly();

    final String id;
    final Channel channel;
    final long openedAt;
    final TokenBucket frames;
    volatile State state = State.AWAITING_AUTH;
    volatile VerifiedToken token;
    volatile Principal principal;
    volatile Widget widget;
    volatile String embedOrigin;
    /** Before the session is ready: the widget its authenticate frame named, and the refusal that ends its handshake. */
    volatile String claimedWidget;
    volatile org.deskframe.diagnostics.Problem handshakeRefusal;
    volatile long lastInbound;
    volatile long lastPing;
    volatile boolean expiryWarned;
    /** Frames dropped over the rate since {@link #refusalWindowStart}; whether an id-less drop was answered in this run. */
    int rejectedFrames;
    long refusalWindowStart;
    boolean idlessFrameRefused;
    /** Frames kept between {@link #hold} and {@link #release} (null otherwise); guarded by this once set. */
    private volatile List<String> held;
    static final int MAX_HELD = 16;
    /** Capabilities' per-session state, by {@link Attachment#index}; grown on first use (guarded by this). */
    private Object[] attachments;

    StreamSession(Channel channel, TokenBucket frames) {
        this.id = newId();
        this.channel = channel;
        this.frames = frames;
        this.openedAt = System.currentTimeMillis();
        this.lastInbound = openedAt;
        this.lastPing = openedAt;
    }

    /**
     * Sends a frame; false if the socket is gone. Writes never block: they queue in the transport, in call order. A
     * reader so slow that the queue passes the send buffer (the channel's high-water mark,
     * {@code deskframe.gateway.send-buffer-bytes}) is closed here, whoever was sending ({@code session.slow_consumer},
     * 4003: reconnect and resume): nothing is dropped silently, and no session buffers without bound.
     */
    @Override
    public boolean send(String json) {
        if (!mayWrite()) return false;
        if (held != null) {
            synchronized (this) {
                if (held != null) {
                    held.add(json);
                    if (held.size() >= MAX_HELD) releaseHeld(true);
                    return true;
                }
            }
        }
        channel.writeAndFlush(new TextWebSocketFrame(json));
        return true;
    }

    /**
     * From here until {@link #release}, frames sent to this session (by any thread, in call order) are held and then
     * written together with one flush, in one hand-off to the event loop: a handshake's {@code ready} and the frames
     * that follow it (presence, offers, assignments, live calls) leave as one batch instead of a task and a flush
     * each. At most {@link #MAX_HELD} frames wait; a bulk run ({@link #sendPaced}) and {@link #close} release first.
     */
    void hold() {
        synchronized (this) {
            if (held == null) held = new ArrayList<>(4);
        }
    }

    /** Writes what {@link #hold} kept, then sends go straight to the transport again. */
    void release() {
        synchronized (this) {
            if (held != null) releaseHeld(false);
        }
    }

    /** Guarded by this; {@code keepHolding} after a full batch. */
    private void releaseHeld(boolean keepHolding) {
        List<String> batch = held;
        held = keepHolding ? new ArrayList<>(4) : null;
        if (batch.isEmpty()) return;
        if (channel.eventLoop().inEventLoop()) {
            writeAll(batch);
            return;
        }
        // Submitted while holding the monitor: a send after the release queues its own task behind this one.
        try {
            channel.eventLoop().execute(() -> writeAll(batch));
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // The transport is shutting down: these frames could not have been written either way.
        }
    }

    private void writeAll(List<String> batch) {
        for (String json : batch) channel.write(new TextWebSocketFrame(json));
        channel.flush();
    }

    /** The heartbeat's ping, from its shared bytes (on the channel's event loop, the write costs no task of its own). */
    boolean sendPing() {
        if (!mayWrite()) return false;
        channel.writeAndFlush(new TextWebSocketFrame(PING.duplicate()));
        return true;
    }

    private boolean mayWrite() {
        if (state == State.CLOSED || !channel.isActive()) return false;
        if (!channel.isWritable()) {
            close(ErrorCode.SLOW_CONSUMER.closeCode(), ErrorCode.SLOW_CONSUMER.code());
            return false;
        }
        return true;
    }

    @Override
    public boolean send(ServerFrame frame) {
        return send(FrameCodec.encode(frame));
    }

    @Override
    public boolean sendPaced(ServerFrame frame) {
        return sendPaced(FrameCodec.encode(frame), PACED_WAIT_MS);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Principal principal() {
        return principal;
    }

    @Override
    public Widget widget() {
        return widget;
    }

    @Override
    public VerifiedToken token() {
        return token;
    }

    @Override
    public void requireScope(Scope scope, String what) {
        token.requireScopes(List.of(scope.value()), what);
    }

    @Override
    public boolean mayReceive(Scope scope) {
        VerifiedToken t = token;
        if (state != State.READY || t == null) return false;
        // A customer's guest token receives what agents reading messages receive, in its own conversations (pushes
        // reach only participants' principals).
        return t.scopes().contains(scope.value()) || (t.isGuestToken() && scope == org.deskframe.identity.Scope.MESSAGING_READ);
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized <T> T attachment(Attachment<T> key) {
        if (attachments == null || attachments.length <= key.index) {
            attachments = attachments == null ? new Object[key.index + 1] : Arrays.copyOf(attachments, key.index + 1);
        }
        Object value = attachments[key.index];
        if (value == null) {
            value = key.initial.get();
            attachments[key.index] = value;
        }
        return (T) value;
    }

    /** How long a bulk sender (a resume replay) waits for a reader that is behind before it counts as too slow. */
    static final long PACED_WAIT_MS = 10_000;

    /**
     * Sends one frame of a bulk run (a resume replay of up to whole conversations): like {@link #send}, but while
     * more than the send buffer waits for the reader, this waits for the reader to catch up, for at most
     * {@code waitMs}, before the session is closed as a slow consumer. Only for virtual threads that may wait.
     */
    boolean sendPaced(String json, long waitMs) {
        release();
        long deadline = System.nanoTime() + waitMs * 1_000_000;
        while (!channel.isWritable() && channel.isActive() && state != State.CLOSED && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return send(json);
    }

    /**
     * A close frame with the catalogue's close code and the error code as reason, after everything sent before it;
     * the socket closes when the peer answers it, or after {@link #FORCE_CLOSE_MS}.
     */
    void close(int code, String reason) {
        release();
        state = State.CLOSED;
        closeGracefully(channel, new CloseWebSocketFrame(code, reason));
    }

    /**
     * Sends {@code frame} and leaves the closing handshake to the peer, for at most {@link #FORCE_CLOSE_MS} after the
     * frame has left (it may wait behind frames queued before it, for at most {@link #MAX_CLOSE_QUEUE_MS}).
     */
    static void closeGracefully(Channel channel, CloseWebSocketFrame frame) {
        if (!channel.isActive()) {
            frame.release();
            return;
        }
        channel.writeAndFlush(frame).addListener(written ->
                channel.eventLoop().schedule(() -> { channel.close(); }, FORCE_CLOSE_MS, TimeUnit.MILLISECONDS));
        channel.eventLoop().schedule(() -> { channel.close(); }, MAX_CLOSE_QUEUE_MS, TimeUnit.MILLISECONDS);
    }

    String agentId() {
        VerifiedToken t = token;
        return t == null ? null : t.agentId();
    }

    /** The principal's key once authenticated, else null. */
    String principalKey() {
        Principal p = principal;
        return p == null ? null : p.key();
    }

    private static String newId() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return "s_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
