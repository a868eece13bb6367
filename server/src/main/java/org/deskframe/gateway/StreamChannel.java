package org.deskframe.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upgraded connection's end of the Netty pipeline: hands its frames to {@link StreamHandler} in arrival order, on
 * a virtual thread (a handshake checks the database; the I/O threads must never wait on it). Frames that arrive while
 * earlier ones are still being handled wait in a queue that exists only then; past {@link #MAX_QUEUED} the socket
 * stops being read, so a flooding client is slowed by TCP, and the frame rate limit still sees every frame.
 */
final class StreamChannel extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(StreamChannel.class);
    private static final Executor FRAMES = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("gateway-frames-", 0).factory());
    static final int MAX_QUEUED = 64;
    /** The heartbeat's answer as clients send it (docs/protocol.md; the embed client's JSON.stringify): a third of an idle session's frames. */
    private static final ByteBuf BARE_PONG = Unpooled.unreleasableBuffer(
            Unpooled.copiedBuffer("{\"op\":\"pong\"}", StandardCharsets.UTF_8)).asReadOnly();
    /** Queued in place of a frame's text: a binary frame, or a text frame over the protocol's size limit. */
    private record NotText(boolean binary, int size) {}

    private final StreamHandler handler;
    private StreamSession session;
    // Guarded by this: frames waiting for the one virtual thread that handles this connection's frames.
    private ArrayDeque<Object> queued;
    private boolean handling;

    StreamChannel(StreamHandler handler) {
        this.handler = handler;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            session = handler.open(ctx.channel(), ctx.channel().attr(UpgradeGate.ORIGIN_PROBLEM).getAndSet(null));
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof WebSocketFrame frame) || session == null || session.state == StreamSession.State.CLOSED) {
            ReferenceCountUtil.release(msg);
            return;
        }
        Object item;
        try {
            if (frame instanceof TextWebSocketFrame text && ByteBufUtil.equals(text.content(), BARE_PONG) && barePong()) {
                return;
            }
            if (frame instanceof TextWebSocketFrame text) {
                int size = text.content().readableBytes();
                item = size > handler.maxFrameBytes() ? new NotText(false, size) : text.text();
            } else if (frame instanceof BinaryWebSocketFrame) {
                item = new NotText(true, frame.content().readableBytes());
            } else {
                // Pong (the protocol's heartbeat is JSON; a WebSocket-level pong still proves the peer is alive).
                session.lastInbound = System.currentTimeMillis();
                return;
            }
        } finally {
            frame.release();
        }
        boolean start;
        synchronized (this) {
            if (queued == null) queued = new ArrayDeque<>(4);
            queued.add(item);
            start = !handling;
            handling = true;
            if (queued.size() >= MAX_QUEUED) ctx.channel().config().setAutoRead(false);
        }
        if (start) FRAMES.execute(() -> handleQueued(ctx));
    }

    /** Handles a bare pong here, unless frames of this connection wait (order) or it is over the rate (refusal). */
    private boolean barePong() {
        synchronized (this) {
            if (handling) return false;
        }
        // Only this I/O thread starts a handler for this connection, so none starts before this returns.
        return handler.onBarePong(session);
    }

    private void handleQueued(ChannelHandlerContext ctx) {
        while (true) {
            Object item;
            synchronized (this) {
                item = queued.poll();
                if (item == null) {
                    queued = null;
                    handling = false;
                    if (!ctx.channel().config().isAutoRead()) ctx.channel().config().setAutoRead(true);
                    return;
                }
            }
            try {
                switch (item) {
                    case String text -> handler.onText(session, text);
                    case NotText n when n.binary() -> handler.onBinary(session);
                    case NotText n -> handler.onOversized(session, n.size());
                    default -> throw new IllegalStateException("unexpected " + item);
                }
            } catch (RuntimeException e) {
                log.error("session {}: a frame could not be handled", session.id, e);
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (session != null) handler.onClosed(session);
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException e) {
            // Invalid UTF-8 (1007), a frame over the transport's limit (1009), a protocol error (1002): the protocol's
            // own code, with the decoder's reason. The decoder drops everything after it.
            fail(ctx, e.closeStatus().code(), e.getMessage() != null ? e.getMessage() : e.closeStatus().reasonText());
        } else if (cause instanceof TooLongFrameException) {
            // Fragments that add up past the transport's limit (a single frame that large is a CorruptedWebSocketFrameException).
            fail(ctx, WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), "frame.too_large: the fragments exceed the transport limit");
        } else {
            log.debug("session {}: transport error: {}", session == null ? "?" : session.id, cause.toString());
            ctx.close();
        }
    }

    private void fail(ChannelHandlerContext ctx, int code, String reason) {
        log.debug("session {}: closed with {}: {}", session == null ? "?" : session.id, code, reason);
        if (session != null) session.state = StreamSession.State.CLOSED;
        // A close reason is at most 123 bytes (RFC 6455 section 5.5).
        String shortReason = reason.length() > 120 ? reason.substring(0, 120) : reason;
        StreamSession.closeGracefully(ctx.channel(), new CloseWebSocketFrame(code, shortReason));
    }
}
