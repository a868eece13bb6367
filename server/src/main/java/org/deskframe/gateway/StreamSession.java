package org.deskframe.gateway;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.Problem;
import org.deskframe.identity.Widget;
import org.deskframe.tokens.VerifiedToken;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * One open gateway connection: its socket, where it is in the handshake, the token it runs on, and for each
 * conversation the last sequence delivered to it (the cursor that makes delivery exactly-once and in order).
 * Kept small: there is one per open widget, and an idle one holds no send queue.
 */
final class StreamSession {

    enum State { AWAITING_AUTH, READY, CLOSED }

    private static final SecureRandom RANDOM = new SecureRandom();
    /** A write to the socket that has not completed after this long marks the reader as too slow. */
    static final long SEND_TIME_LIMIT_MS = 10_000;

    final String id;
    final WebSocketSession socket;
    final long openedAt;
    final TokenBucket frames;
    volatile State state = State.AWAITING_AUTH;
    volatile VerifiedToken token;
    volatile Widget widget;
    volatile String embedOrigin;
    volatile long lastInbound;
    volatile long lastPing;
    volatile boolean expiryWarned;
    volatile Problem originProblem;
    int rejectedFrames;
    /** conversation id -> last sequence delivered; guarded by itself. */
    final Map<String, Long> cursors = new ConcurrentHashMap<>(4);

    // The send path: one writer at a time; frames sent meanwhile wait in a queue that exists only while one is writing.
    private final int sendBufferBytes;
    private final Object sendLock = new Object();
    private ArrayDeque<TextMessage> queued;
    private int queuedBytes;
    private boolean writing;
    private volatile long writeStartedAt;

    StreamSession(WebSocketSession socket, TokenBucket frames, int sendBufferBytes) {
        this.id = newId();
        this.socket = socket;
        this.frames = frames;
        this.sendBufferBytes = sendBufferBytes;
        this.openedAt = System.currentTimeMillis();
        this.lastInbound = openedAt;
        this.lastPing = openedAt;
    }

    /**
     * Sends a frame; false if the socket is gone. A reader too slow for its send buffer is closed here, whoever was
     * sending ({@code session.slow_consumer}, 4003: reconnect and resume): the buffer is full, so the close frame's
     * reason carries the code instead of an error frame, and nothing is ever dropped silently.
     */
    boolean send(String json) {
        if (state == State.CLOSED || !socket.isOpen()) return false;
        TextMessage message = new TextMessage(json);
        synchronized (sendLock) {
            if (writing) {
                // Another thread is writing to this socket: it sends this frame too, unless the reader is too slow.
                if (queued == null) queued = new ArrayDeque<>(4);
                queued.add(message);
                queuedBytes += message.getPayloadLength();
                long started = writeStartedAt;
                if (queuedBytes <= sendBufferBytes && (started == 0 || System.currentTimeMillis() - started <= SEND_TIME_LIMIT_MS)) {
                    return true;
                }
                // Too slow: nothing more is sent; the client reconnects and resumes, so nothing is lost.
                queued = null;
                queuedBytes = 0;
                message = null;
            } else {
                writing = true;
            }
        }
        if (message == null) {
            close(ErrorCode.SLOW_CONSUMER.closeCode(), ErrorCode.SLOW_CONSUMER.code());
            return false;
        }
        // This thread has the write turn: its own frame, then whatever other threads queued meanwhile, in order.
        try {
            while (message != null) {
                writeStartedAt = System.currentTimeMillis();
                socket.sendMessage(message);
                writeStartedAt = 0;
                synchronized (sendLock) {
                    message = queued == null ? null : queued.poll();
                    if (message == null) {
                        queued = null;
                        queuedBytes = 0;
                        writing = false;
                    } else {
                        queuedBytes -= message.getPayloadLength();
                    }
                }
            }
            return true;
        } catch (IOException | IllegalStateException e) {
            synchronized (sendLock) {
                queued = null;
                queuedBytes = 0;
                writing = false;
                writeStartedAt = 0;
            }
            return false;
        }
    }

    void close(int code, String reason) {
        state = State.CLOSED;
        try {
            if (socket.isOpen()) socket.close(new CloseStatus(code, reason));
        } catch (IOException | IllegalStateException ignored) {
            // already closing
        }
    }

    String agentId() {
        VerifiedToken t = token;
        return t == null ? null : t.agentId();
    }

    private static String newId() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return "s_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
