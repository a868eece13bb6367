package org.deskframe.calls.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.deskframe.calls.CallSettings;
import org.deskframe.calls.internal.CallRow.Party;
import org.deskframe.calls.internal.CallRow.Side;
import org.deskframe.cluster.Presence;
import org.deskframe.cluster.PrincipalKey;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.gateway.GatewaySession;
import org.deskframe.gateway.OpHandler;
import org.deskframe.gateway.Principal;
import org.deskframe.gateway.SessionListener;
import org.deskframe.identity.AgentDirectory;
import org.deskframe.identity.Scope;
import org.deskframe.identity.Widget;
import org.deskframe.messaging.Conversation;
import org.deskframe.messaging.Conversations;
import org.deskframe.messaging.Participant;
import org.deskframe.protocol.ClientFrame;
import org.deskframe.protocol.FrameCodec;
import org.deskframe.protocol.ParticipantView;
import org.deskframe.protocol.ServerFrame;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * The call ops on the gateway (docs/protocol.md, call_invite .. call_report) and calls' part in sessions: a session of
 * a widget that carries calls counts as reachable for calls (presence under {@code calls-<widget>:<principal>}), gets
 * the calls of its principal not ended after {@code ready}, and when it closes the sides it carried are detached
 * (the timers end a call whose side stays detached). Every reply and push is sent after the ledger committed.
 */
@Configuration(proxyBeanMethods = false)
class CallOps implements SessionListener {

    static final Set<String> FAILURES = Set.of("call.ice_failed", "media.permission_denied", "media.device_not_found");
    private static final List<String> LIVE = List.of(CallRow.RINGING, CallRow.CONNECTED, CallRow.HELD);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final CallLedger ledger;
    private final CallNotices notices;
    private final CallSettings settings;
    private final Presence presence;
    private final Conversations conversations;
    private final AgentDirectory agents;
    private final CallMetrics metrics;

    CallOps(CallLedger ledger, CallNotices notices, CallSettings settings, Presence presence, Conversations conversations,
            AgentDirectory agents, CallMetrics metrics) {
        this.ledger = ledger;
        this.notices = notices;
        this.settings = settings;
        this.presence = presence;
        this.conversations = conversations;
        this.agents = agents;
        this.metrics = metrics;
    }

    @Bean
    OpHandler<ClientFrame.CallInvite> callInviteOp() {
        return OpHandler.of(ClientFrame.CallInvite.class, this::invite);
    }

    @Bean
    OpHandler<ClientFrame.CallAccept> callAcceptOp() {
        return OpHandler.of(ClientFrame.CallAccept.class, (s, f) -> {
            CallRow c = participantCall(s, f.call(), "accepted");
            Party me = Party.of(s.principal());
            if (c.sideOf(me) != Side.CALLEE) throw stateInvalid(c, "accepted by its caller");
            CallRow done = ledger.accept(c.id(), me, s.id()).orElseThrow(() -> stateInvalid(reread(c), "accepted"));
            notices.transitioned(done);
            notices.changed(done, s, f.id());
        });
    }

    @Bean
    OpHandler<ClientFrame.CallDecline> callDeclineOp() {
        return OpHandler.of(ClientFrame.CallDecline.class, (s, f) -> {
            CallRow c = participantCall(s, f.call(), "declined");
            Party me = Party.of(s.principal());
            if (c.sideOf(me) != Side.CALLEE) throw stateInvalid(c, "declined by its caller (hang up instead)");
            CallRow done = ledger.end(c.id(), me, CallRow.DECLINED, ErrorCode.CALL_DECLINED.code(), List.of(CallRow.RINGING))
                    .orElseThrow(() -> stateInvalid(reread(c), "declined"));
            notices.transitioned(done);
            notices.changed(done, s, f.id());
        });
    }

    @Bean
    OpHandler<ClientFrame.CallHangup> callHangupOp() {
        return OpHandler.of(ClientFrame.CallHangup.class, (s, f) -> {
            if (f.reason() != null && !FAILURES.contains(f.reason())) {
                throw ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason",
                        "call_hangup's reason is absent or one of call.ice_failed, media.permission_denied, media.device_not_found, not '" + f.reason() + "'"));
            }
            CallRow c = participantCall(s, f.call(), "hung up");
            Party me = Party.of(s.principal());
            CallRow done = ledger.end(c.id(), me, f.reason() == null ? CallRow.HANGUP : CallRow.FAILED, f.reason(), LIVE)
                    .orElseThrow(() -> stateInvalid(reread(c), "hung up"));
            notices.transitioned(done);
            notices.changed(done, s, f.id());
        });
    }

    @Bean
    OpHandler<ClientFrame.CallHold> callHoldOp() {
        return OpHandler.of(ClientFrame.CallHold.class, (s, f) -> {
            CallRow c = participantCall(s, f.call(), f.on() ? "held" : "resumed");
            CallRow done = ledger.hold(c.id(), Party.of(s.principal()), f.on())
                    .orElseThrow(() -> stateInvalid(reread(c), f.on() ? "held" : "resumed"));
            notices.transitioned(done);
            notices.changed(done, s, f.id());
        });
    }

    @Bean
    OpHandler<ClientFrame.CallMute> callMuteOp() {
        return OpHandler.of(ClientFrame.CallMute.class, (s, f) -> {
            CallRow c = participantCall(s, f.call(), f.on() ? "muted" : "unmuted");
            CallRow done = ledger.mute(c.id(), c.sideOf(Party.of(s.principal())), f.on())
                    .orElseThrow(() -> stateInvalid(reread(c), f.on() ? "muted" : "unmuted"));
            notices.changed(done, s, f.id());
        });
    }

    @Bean
    OpHandler<ClientFrame.CallAttach> callAttachOp() {
        return OpHandler.of(ClientFrame.CallAttach.class, (s, f) -> {
            CallRow c = participantCall(s, f.call(), "attached");
            Side side = c.sideOf(Party.of(s.principal()));
            if (side == Side.CALLEE && c.answeredAt() == null) throw stateInvalid(c, "attached before it is answered (accept it)");
            CallRow done = ledger.attach(c.id(), side, s.id()).orElseThrow(() -> stateInvalid(reread(c), "attached"));
            notices.pushOthers(done, s);
            // The reply first, then what this side has not processed, in order, before any newer signal can overtake.
            synchronized (s) {
                s.send(notices.frame(f.id(), done));
                for (CallLedger.StoredSignal sig : ledger.signalsAfter(c.id(), side, f.after())) {
                    s.send(sig.payload());
                }
            }
        });
    }

    @Bean
    OpHandler<ClientFrame.CallSignal> callSignalOp() {
        return OpHandler.of(ClientFrame.CallSignal.class, (s, f) -> {
            CallRow c = participantCall(s, f.call(), "signalled");
            if (!CallRow.CONNECTED.equals(c.state()) && !CallRow.HELD.equals(c.state())) throw stateInvalid(c, "signalled");
            Party me = Party.of(s.principal());
            Side to = c.sideOf(me).other();
            Party recipient = c.party(to);
            // Stored first with its seq (under the call's row lock, so two senders cannot interleave numbers), then relayed.
            ParticipantView from = new ParticipantView(me.kind(), me.id());
            CallLedger.StoredSignal stored = ledger.signal(c.id(), to, seq -> FrameCodec.encode(new ServerFrame.CallSignal(
                    c.id(), seq, from, f.sdp(), f.candidate(), f.restart() ? Boolean.TRUE : null)));
            // The carrier as the ledger has it now (it may have re-attached since this op read the call).
            String carrier = stored.carrier();
            if (carrier != null) notices.relay(recipient, carrier, stored.payload());
        });
    }

    @Bean
    OpHandler<ClientFrame.CallReport> callReportOp() {
        return OpHandler.of(ClientFrame.CallReport.class, (s, f) -> {
            CallRow c = participantCall(s, f.call(), "reported on");
            if (f.quality() == null) {
                throw ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason", "call_report needs quality"));
            }
            var q = f.quality();
            boolean firstRelayed = ledger.report(c.id(), new CallLedger.Quality(c.sideOf(Party.of(s.principal())), q.bytesReceived(),
                    q.packetsReceived(), q.packetsLost(), q.jitter(), q.roundTripTime(), q.framesDecoded(), q.candidateType(), q.relayed()));
            if (firstRelayed) metrics.relayed();
            s.send(notices.frame(f.id(), c));
        });
    }

    private void invite(GatewaySession s, ClientFrame.CallInvite f) {
        String media = f.media();
        if (!"audio".equals(media) && !"video".equals(media)) {
            throw ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason", "call_invite's media is audio or video, not '" + media + "'"));
        }
        if ((f.agent() == null) == (f.conversation() == null)) {
            throw ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason", "call_invite names exactly one of agent and conversation"));
        }
        Principal principal = s.principal();
        requireCarrier(s, media);
        Party caller = Party.of(principal);
        Party callee;
        String conversationId = null, queueId = null;
        if (f.agent() != null) {
            if (!(principal instanceof Principal.Agent me)) {
                throw ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason", "a customer calls with conversation, not agent"));
            }
            if (f.agent().equals(me.id())) {
                throw ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason", "an agent cannot call itself"));
            }
            // An agent of another organisation is as unreachable as one that does not exist.
            if (agents.find(f.agent()).filter(a -> a.orgId().equals(me.orgId())).isEmpty()) throw offline(f.agent(), media, "agent");
            callee = new Party("agent", f.agent());
        } else {
            Participant member = principal instanceof Principal.Customer cu ? new Participant(Participant.Kind.CUSTOMER, cu.id())
                    : Participant.agent(principal.id());
            Conversation conv = conversations.findFor(principal.orgId(), member, f.conversation())
                    .orElseThrow(() -> ProblemException.of(ErrorCode.CALL_NOT_PARTICIPANT,
                            Map.of("participant", caller.key(), "call", "on conversation " + f.conversation())));
            if ("closed".equals(conv.state())) throw ProblemException.of(ErrorCode.CONVERSATION_CLOSED, Map.of("conversation", conv.id()));
            conversationId = conv.id();
            Participant.Kind otherKind = principal instanceof Principal.Customer ? Participant.Kind.AGENT : Participant.Kind.CUSTOMER;
            Optional<Participant> other = conv.participants().stream().filter(p -> p.kind() == otherKind).findFirst();
            if (other.isPresent()) {
                callee = new Party(otherKind.label(), other.get().id());
            } else if (otherKind == Participant.Kind.AGENT) {
                callee = null;
                queueId = conv.participants().stream().filter(p -> p.kind() == Participant.Kind.QUEUE).map(Participant::id)
                        .findFirst().orElse(null);
            } else {
                throw offline(f.conversation(), media, "customer");
            }
        }
        if (callee != null) {
            // Glare: the callee is ringing us already; this invite answers that call instead of ringing a second one.
            for (CallRow mine : ledger.liveOf(caller)) {
                if (CallRow.RINGING.equals(mine.state()) && callee.equals(mine.caller()) && caller.equals(mine.callee())
                        && mine.media().equals(media)) {
                    ledger.accept(mine.id(), caller, s.id()).ifPresentOrElse(done -> {
                        notices.transitioned(done);
                        notices.changed(done, s, f.id());
                    }, () -> {
                        throw stateInvalid(reread(mine), "answered by a crossing invite");
                    });
                    return;
                }
            }
            if (!presence.isPresent(carrierKey(callee, media))) {
                throw offline(callee.id(), media, callee.kind());
            }
            for (CallRow other : ledger.liveOf(callee)) {
                throw ProblemException.of(ErrorCode.CALL_CALLEE_BUSY, Map.of("callee", callee.id(), "other", other.id()));
            }
        }
        CallRow call = ledger.invite(principal.orgId(), media, caller, s.id(), callee, conversationId, queueId, settings.ringTimeout());
        notices.transitioned(call);
        notices.changed(call, s, f.id());
    }

    /** The call, if {@code s}'s principal takes part in it (on the widget that carries its media). */
    private CallRow participantCall(GatewaySession s, String callId, String action) {
        if (callId == null) throw ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason", "call is required"));
        CallRow c = ledger.find(callId).filter(x -> x.orgId().equals(s.principal().orgId()))
                .orElseThrow(() -> ProblemException.of(ErrorCode.CALL_NOT_FOUND, Map.of("call", callId)));
        Party me = Party.of(s.principal());
        if (c.sideOf(me) == null) {
            throw ProblemException.of(ErrorCode.CALL_NOT_PARTICIPANT, Map.of("participant", me.key(), "call", callId));
        }
        requireCarrier(s, c.media());
        return c;
    }

    /** The session's widget must be the one that carries {@code media}, and its token must allow it. */
    private static void requireCarrier(GatewaySession s, String media) {
        Widget widget = CallRow.widgetFor(s.principal() instanceof Principal.Customer ? "customer" : "agent", media);
        if (widget != Widget.MESSENGER) s.requireScope("video".equals(media) ? Scope.VIDEO : Scope.VOICE, media + " calls");
        if (s.widget() != widget) {
            throw ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason",
                    "a call with " + media + " is carried by the " + widget.id() + " widget's session, not the " + s.widget().id() + " widget's"));
        }
    }

    private CallRow reread(CallRow c) {
        return ledger.find(c.id()).orElse(c);
    }

    static ProblemException stateInvalid(CallRow c, String action) {
        return ProblemException.of(ErrorCode.CALL_STATE_INVALID, Map.of("call", c.id(), "state", c.state(), "action", action));
    }

    private static ProblemException offline(String callee, String media, String kind) {
        return ProblemException.of(ErrorCode.CALL_CALLEE_OFFLINE, Map.of("callee", callee,
                "widget", CallRow.widgetFor(kind, media).id()));
    }

    /** Presence of a principal's sessions of the widget that carries {@code media} for it. */
    static PrincipalKey carrierKey(Party p, String media) {
        return PrincipalKey.of("calls-" + CallRow.widgetFor(p.kind(), media).id() + ":" + p.key());
    }

    private static final List<Widget> CARRIERS = List.of(Widget.VOICE, Widget.VIDEO, Widget.MESSENGER);

    /** Reachable for calls before {@code ready} is sent: a client that has its ready can be called at once. */
    @Override
    public void authenticated(GatewaySession session, ClientFrame.Authenticate frame) {
        if (!CARRIERS.contains(session.widget())) return;
        presence.register(carrierKey(Party.of(session.principal()), session.widget() == Widget.VIDEO ? "video" : "audio"), session.id());
    }

    /** The calls not ended (a push ringing meanwhile may arrive twice: a call push is the whole state, so that is harmless). */
    @Override
    public void ready(GatewaySession session, ClientFrame.Authenticate frame) {
        if (!CARRIERS.contains(session.widget())) return;
        Party me = Party.of(session.principal());
        for (CallRow c : ledger.liveOf(me)) {
            if (c.widgetFor(me.kind()) == session.widget()) session.send(notices.frame(null, c));
        }
    }

    @Override
    public void closed(GatewaySession session) {
        if (session.widget() == null || !CARRIERS.contains(session.widget()) || session.principal() == null) return;
        Party me = Party.of(session.principal());
        presence.unregister(carrierKey(me, session.widget() == Widget.VIDEO ? "video" : "audio"), session.id());
        for (CallRow c : ledger.detach(session.id())) notices.changed(c);
    }
}
