package org.deskframe.calls.internal;

import java.time.Duration;
import java.time.Instant;
import org.deskframe.gateway.Principal;
import org.deskframe.identity.Widget;

/** A call as its row in {@code calls} holds it (what the ledger reads and returns after each commit). */
record CallRow(String id, String orgId, String media, String state, Party caller, Party callee, String conversationId,
               String queueId, String callerSession, String calleeSession, Instant callerDetachedAt,
               Instant calleeDetachedAt, boolean callerMuted, boolean calleeMuted, Instant ringExpiresAt,
               Instant createdAt, Instant answeredAt, Instant endedAt, Party endedBy, String endReason, String endCode) {

    static final String RINGING = "ringing", CONNECTED = "connected", HELD = "held", ENDED = "ended";
    /** Why a call ended (its end_reason): the ops and timers write these, the metrics tag by them. */
    static final String HANGUP = "hangup", DECLINED = "declined", NO_ANSWER = "no_answer", FAILED = "failed",
            PEER_GONE = "peer_gone", CONVERSATION_CLOSED = "conversation_closed";
    static final java.util.Set<String> END_REASONS = java.util.Set.of(HANGUP, DECLINED, NO_ANSWER, FAILED, PEER_GONE, CONVERSATION_CLOSED);

    /** Who is on one side of a call: {@code kind} agent or customer (system only as who ended it). */
    record Party(String kind, String id) {
        static final Party SYSTEM = new Party("system", "deskframe");

        static Party of(Principal p) {
            return switch (p) {
                case Principal.Agent a -> new Party("agent", a.id());
                case Principal.Customer c -> new Party("customer", c.id());
            };
        }

        String key() {
            return kind + ":" + id;
        }
    }

    enum Side {
        CALLER, CALLEE;

        Side other() {
            return this == CALLER ? CALLEE : CALLER;
        }

        String label() {
            return this == CALLER ? "caller" : "callee";
        }
    }

    boolean ended() {
        return ENDED.equals(state);
    }

    boolean live() {
        return !ended();
    }

    Party party(Side side) {
        return side == Side.CALLER ? caller : callee;
    }

    String session(Side side) {
        return side == Side.CALLER ? callerSession : calleeSession;
    }

    /** The side {@code p} is on, or null when it takes no part. */
    Side sideOf(Party p) {
        if (caller.equals(p)) return Side.CALLER;
        if (callee != null && callee.equals(p)) return Side.CALLEE;
        return null;
    }

    /** The widget that carries this call for a party of {@code kind}: voice or video for agents, the messenger for customers. */
    Widget widgetFor(String kind) {
        return widgetFor(kind, media);
    }

    static Widget widgetFor(String kind, String media) {
        if ("customer".equals(kind)) return Widget.MESSENGER;
        return "video".equals(media) ? Widget.VIDEO : Widget.VOICE;
    }

    /** From the answer to the end, or to {@code now} while it lasts: the database's clock, on which both are stamped. */
    Long durationSeconds(Instant now) {
        if (answeredAt == null) return endedAt == null ? null : 0L;
        Instant end = endedAt == null ? now : endedAt;
        return Duration.between(answeredAt, end).toSeconds();
    }
}
