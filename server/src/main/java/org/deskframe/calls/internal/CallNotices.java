package org.deskframe.calls.internal;

import java.util.ArrayList;
import java.util.List;
import org.deskframe.calls.internal.CallRow.Party;
import org.deskframe.calls.internal.CallRow.Side;
import org.deskframe.gateway.GatewaySession;
import org.deskframe.gateway.Pushes;
import org.deskframe.messaging.DisplayNames;
import org.deskframe.messaging.Participant;
import org.deskframe.protocol.CallPartyView;
import org.deskframe.protocol.CallQuality;
import org.deskframe.protocol.CallView;
import org.deskframe.protocol.ParticipantView;
import org.deskframe.protocol.ServerFrame;
import org.springframework.stereotype.Component;

/**
 * Renders calls as the wire has them ({@link CallView}) and tells both sides: every committed change of a call is
 * pushed to every session of both parties opened for the widget that carries the call's media, and counted
 * ({@link CallMetrics}).
 */
@Component
class CallNotices {

    private final Pushes pushes;
    private final CallLedger ledger;
    private final DisplayNames names;
    private final CallMetrics metrics;
    private final CallingAgents calling;

    CallNotices(Pushes pushes, CallLedger ledger, DisplayNames names, CallMetrics metrics, CallingAgents calling) {
        this.pushes = pushes;
        this.calling = calling;
        this.ledger = ledger;
        this.names = names;
        this.metrics = metrics;
    }

    CallView view(CallRow c) {
        List<CallQuality> quality = new ArrayList<>();
        for (CallLedger.Quality q : ledger.quality(c.id())) {
            Party by = c.party(q.side());
            quality.add(new CallQuality(by == null ? null : new ParticipantView(by.kind(), by.id()), q.bytesReceived(),
                    q.packetsReceived(), q.packetsLost(), q.jitter(), q.roundTripTime(), q.framesDecoded(),
                    q.candidateType(), q.relayed()));
        }
        return new CallView(c.id(), c.state(), c.media(), party(c, Side.CALLER), party(c, Side.CALLEE), c.conversationId(),
                c.callee() == null ? c.queueId() : null, c.createdAt(), c.answeredAt(), c.endedAt(),
                c.endedBy() == null ? null : new ParticipantView(c.endedBy().kind(), c.endedBy().id(), name(c.endedBy())),
                c.endReason(), c.endCode(), c.ended() || c.answeredAt() != null ? c.durationSeconds(ledger.now()) : null,
                quality.isEmpty() ? null : quality);
    }

    private CallPartyView party(CallRow c, Side side) {
        Party p = c.party(side);
        if (p == null) return null;
        boolean muted = side == Side.CALLER ? c.callerMuted() : c.calleeMuted();
        // A callee that has not answered yet carries nothing; after that, attached while a session carries its side.
        boolean attached = c.session(side) != null;
        return new CallPartyView(p.kind(), p.id(), name(p), muted, attached);
    }

    /** An agent's display name, or the name a customer gave (pre-chat form, verified identity); null when none. */
    private String name(Party p) {
        return names.of(Participant.of(p.kind(), p.id()));
    }

    ServerFrame.CallFrame frame(String replyId, CallRow c) {
        return new ServerFrame.CallFrame(replyId, view(c));
    }

    /** The reply to {@code session} (with the command's id), and the push to every other session of both sides. */
    void changed(CallRow c, GatewaySession session, String replyId) {
        ServerFrame.CallFrame push = frame(null, c);
        if (session != null) session.send(new ServerFrame.CallFrame(replyId, push.call()));
        push(c, push, session);
    }

    /** The push to every session of both sides but {@code except}. */
    void pushOthers(CallRow c, GatewaySession except) {
        push(c, frame(null, c), except);
    }

    /** A change the platform made (a timer, a closed session): pushed to both sides. */
    void changed(CallRow c) {
        push(c, frame(null, c), null);
    }

    /** A relayed signal, to the one session carrying the recipient's side. */
    void relay(Party recipient, String session, String encodedSignal) {
        pushes.pushToSession(recipient.key(), session, encodedSignal);
    }

    /** A transition committed: counted, and an ended call frees its agents for routing. */
    void transitioned(CallRow c) {
        metrics.transitioned(c);
        if (c.ended()) calling.ended(c);
    }

    private void push(CallRow c, ServerFrame.CallFrame frame, GatewaySession except) {
        for (Side side : Side.values()) {
            Party p = c.party(side);
            if (p == null) continue;
            pushes.push(List.of(p.key()), frame, c.widgetFor(p.kind()), except);
        }
    }
}
