package org.deskframe.gateway;

import java.io.IOException;
import java.security.SecureRandom;
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
import org.springframework.web.socket.handler.SessionLimitExceededException;

/**
 * One open gateway connection: its socket, where it is in the handshake, the token it runs on, and for each
 * conversation the last sequence delivered to it (the cursor that makes delivery exactly-once and in order).
 * Kept small: there is one per open widget.
 */
final class StreamSession {

    enum State { AWAITING_AUTH, READY, CLOSED }

    private static final SecureRandom RANDOM = new SecureRandom();

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

    StreamSession(WebSocketSession socket, TokenBucket frames) {
        this.id = newId();
        this.socket = socket;
        this.frames = frames;
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
        try {
            socket.sendMessage(new TextMessage(json));
            return true;
        } catch (SessionLimitExceededException e) {
            close(ErrorCode.SLOW_CONSUMER.closeCode(), ErrorCode.SLOW_CONSUMER.code());
            return false;
        } catch (IOException | IllegalStateException e) {
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
