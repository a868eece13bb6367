package org.deskframe.calls.internal;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.deskframe.calls.CallSettings;
import org.deskframe.calls.internal.CallRow.Party;
import org.deskframe.calls.internal.CallRow.Side;
import org.deskframe.cluster.Presence;
import org.deskframe.cluster.PresenceView;
import org.deskframe.cluster.PrincipalKey;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.messaging.Conversations;
import org.deskframe.messaging.Participant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The calls' deadlines, kept in the database (a ringing call's {@code ring_expires_at}, a side's {@code detached_at}),
 * so they survive a restart and are seen by every node: each node looks every {@code sweep-interval} for calls past
 * one and ends them ({@code no_answer}, {@code peer_gone}) with the ledger's conditional update, so only one node ends
 * a call and tells both sides. A side carried by a session whose principal has no session of the call's widget in the
 * cluster's presence (a killed node, a restart) is detached by the same pass. It also rings the agent routing
 * assigned to a queued customer's conversation, and ends the calls of conversations that were closed.
 */
@Component
class CallTimers implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(CallTimers.class);
    private static final List<String> LIVE = List.of(CallRow.RINGING, CallRow.CONNECTED, CallRow.HELD);

    private final CallLedger ledger;
    private final CallNotices notices;
    private final CallSettings settings;
    private final Conversations conversations;
    private volatile ScheduledExecutorService executor;

    private final Presence presence;

    CallTimers(CallLedger ledger, CallNotices notices, CallSettings settings, Conversations conversations, Presence presence) {
        this.ledger = ledger;
        this.presence = presence;
        this.notices = notices;
        this.settings = settings;
        this.conversations = conversations;
    }

    /** One pass: ends every call past a deadline now (also called by tests). */
    void sweep() {
        Instant now = ledger.now();
        // A customer's call on a conversation in a queue rings the agent routing assigned to it, once there is one.
        for (CallRow c : ledger.queued()) {
            conversations.findFor(c.orgId(), new Participant(Participant.Kind.CUSTOMER, c.caller().id()), c.conversationId())
                    .flatMap(conv -> conv.participants().stream().filter(p -> p.kind() == Participant.Kind.AGENT).findFirst())
                    .flatMap(agent -> ledger.ringAgent(c.id(), new Party("agent", agent.id()), settings.ringTimeout()))
                    .ifPresent(notices::changed);
        }
        for (String id : ledger.ringingPast(now)) {
            ledger.end(id, Party.SYSTEM, CallRow.NO_ANSWER, ErrorCode.CALL_NO_ANSWER.code(), List.of(CallRow.RINGING))
                    .ifPresent(this::ended);
        }
        // A side whose principal has no session of the call's widget left anywhere (its node was killed, or this node
        // restarted) never got its session's close: it is detached now, and the re-attach timeout runs from here.
        List<CallRow> carried = ledger.carried();
        java.util.Set<PrincipalKey> keys = new java.util.LinkedHashSet<>();
        for (CallRow c : carried) {
            for (Side side : Side.values()) {
                if (c.party(side) != null && c.session(side) != null) keys.add(CallOps.carrierKey(c.party(side), c.media()));
            }
        }
        // One round trip for all of them.
        java.util.Map<PrincipalKey, PresenceView> present = keys.isEmpty() ? java.util.Map.of() : presence.lookup(keys);
        for (CallRow c : carried) {
            for (Side side : Side.values()) {
                Party p = c.party(side);
                String session = c.session(side);
                if (p == null || session == null) continue;
                PresenceView view = present.get(CallOps.carrierKey(p, c.media()));
                if (view == null || view.present()) continue;
                ledger.detach(c.id(), side, session).ifPresent(notices::changed);
            }
        }
        // A call of a conversation ends when the conversation is closed (by its agent, its customer or the system).
        for (CallRow c : ledger.liveOnConversations()) {
            Party member = "customer".equals(c.caller().kind()) || c.callee() == null ? c.caller() : c.callee();
            Participant p = new Participant("customer".equals(member.kind()) ? Participant.Kind.CUSTOMER : Participant.Kind.AGENT, member.id());
            boolean closed = conversations.findFor(c.orgId(), p, c.conversationId()).map(conv -> "closed".equals(conv.state())).orElse(false);
            if (closed) {
                ledger.end(c.id(), Party.SYSTEM, CallRow.CONVERSATION_CLOSED, "conversation.closed", LIVE).ifPresent(this::ended);
            }
        }
        for (CallRow c : ledger.detachedSince(now.minus(settings.reattachTimeout()))) {
            ledger.end(c.id(), Party.SYSTEM, CallRow.PEER_GONE, ErrorCode.CALL_PEER_GONE.code(), LIVE).ifPresent(this::ended);
        }
    }

    private void ended(CallRow c) {
        notices.transitioned(c);
        notices.changed(c);
    }

    @Override
    public void start() {
        executor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("call-timers").factory());
        long every = settings.sweepInterval().toMillis();
        executor.scheduleWithFixedDelay(() -> {
            try {
                sweep();
            } catch (RuntimeException e) {
                log.warn("Call timers: a sweep failed ({}); the next one retries", e.toString());
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        ScheduledExecutorService e = executor;
        executor = null;
        if (e != null) {
            e.shutdownNow();
            try {
                e.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return executor != null;
    }
}
