package org.deskframe.routing.internal;

import java.util.List;
import org.deskframe.gateway.GatewaySession;
import org.deskframe.gateway.Principal;
import org.deskframe.gateway.Pushes;
import org.deskframe.identity.AgentDirectory;
import org.deskframe.identity.Scope;
import org.deskframe.messaging.ConversationLog;
import org.deskframe.messaging.Conversations;
import org.deskframe.messaging.ConversationViews;
import org.deskframe.messaging.Participant;
import org.deskframe.protocol.AgentRef;
import org.deskframe.protocol.ParticipantView;
import org.deskframe.protocol.ServerFrame;
import org.deskframe.routing.internal.RoutingStore.WorkRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * What routing tells people after a decision committed: frames to the agent's sessions ({@code agent:<id>}) and the
 * customer's ({@code customer:<id>}) on every node, and the system messages that say in the transcript who
 * transferred it. Best effort like every push: a new session is told where it stands, and so is every open one after its
 * node may have lost pushes ({@link StandingResync}).
 */
@Component
class RoutingNotices {

    private static final Logger log = LoggerFactory.getLogger(RoutingNotices.class);
    /** What sessions must hold to receive routing's frames: the messaging widget's (and a customer's own) read scope. */
    static final Scope AUDIENCE = Scope.MESSAGING_READ;

    private final Pushes pushes;
    private final AgentDirectory agents;
    private final Conversations conversations;
    private final ConversationLog transcript;

    RoutingNotices(Pushes pushes, AgentDirectory agents, Conversations conversations, ConversationLog transcript) {
        this.pushes = pushes;
        this.agents = agents;
        this.conversations = conversations;
        this.transcript = transcript;
    }

    void decided(RoutingEngine.Decision d) {
        WorkRow w = d.work();
        if (d.assigned()) {
            toAgent(d.agentId(), new ServerFrame.ConversationAssigned(null, w.conversationId(), RoutingEngine.customerView(w), w.queueId()), null);
            conversationFrame(w, d.agentId());
            agentJoined(w, d.agentId());
        } else {
            toAgent(d.agentId(), new ServerFrame.ConversationOffered(w.conversationId(), RoutingEngine.customerView(w), w.queueId(), d.expiresAt()), null);
        }
    }

    void accepted(WorkRow w, String agentId, GatewaySession origin, String replyId) {
        ServerFrame.ConversationAssigned reply = new ServerFrame.ConversationAssigned(replyId, w.conversationId(), RoutingEngine.customerView(w), w.queueId());
        origin.send(reply);
        toAgent(agentId, new ServerFrame.ConversationAssigned(null, w.conversationId(), reply.customer(), w.queueId()), origin);
        conversationFrame(w, agentId);
        agentJoined(w, agentId);
    }

    /** The answer to an accept sent again by the agent that holds the conversation: only to the session that asked. */
    void acceptedAgain(WorkRow w, GatewaySession origin, String replyId) {
        origin.send(new ServerFrame.ConversationAssigned(replyId, w.conversationId(), RoutingEngine.customerView(w), w.queueId()));
    }

    void offerWithdrawn(String agentId, String conversationId, String reason) {
        toAgent(agentId, new ServerFrame.OfferWithdrawn(null, conversationId, reason), null);
    }

    /** To the agent's sessions that may set presence (scope {@code presence}): others never asked for it. */
    void presence(RoutingStore.AgentRow a, GatewaySession except) {
        pushes.push(List.of(Principal.keyOfAgent(a.agentId())), presenceFrame(null, a), org.deskframe.identity.Scope.PRESENCE, except);
    }

    static ServerFrame.Presence presenceFrame(String id, RoutingStore.AgentRow a) {
        return new ServerFrame.Presence(id, a.agentId(), a.status().label(), a.statusSince());
    }

    void queuePosition(WorkRow w, int position, long estimatedWaitSeconds) {
        pushes.push(List.of(Principal.keyOfCustomer(w.customerId())),
                new ServerFrame.QueuePosition(w.conversationId(), position, estimatedWaitSeconds), AUDIENCE, null);
    }

    /** The frame that tells a customer's new session where its conversation stands. */
    ServerFrame standingFrame(RoutingEngine.Standing standing) {
        return switch (standing) {
            case RoutingEngine.Standing.Waiting w -> new ServerFrame.QueuePosition(w.work().conversationId(), w.position(), w.estimatedWaitSeconds());
            case RoutingEngine.Standing.WithAgent a -> new ServerFrame.AgentJoined(a.work().conversationId(), new AgentRef(a.agentId(), displayName(a.agentId())));
            // The wrap-up code is the contact center's own classification: never shown to the customer.
            case RoutingEngine.Standing.Ended e -> new ServerFrame.ConversationEnded(null, e.work().conversationId(), named(e.by()),
                    e.reason(), null);
        };
    }

    void requeued(WorkRow w, String agentId, String reason) {
        toAgent(agentId, new ServerFrame.ConversationEnded(null, w.conversationId(), ConversationViews.of(Participant.SYSTEM), "requeued_" + reason, null), null);
    }

    void closed(RoutingEngine.Closed c, GatewaySession origin, String replyId) {
        WorkRow w = c.work();
        ParticipantView by = named(c.by());
        if (origin != null) origin.send(new ServerFrame.ConversationEnded(replyId, w.conversationId(), by, c.reason(), c.wrapUp()));
        ServerFrame.ConversationEnded push = new ServerFrame.ConversationEnded(null, w.conversationId(), by, c.reason(), c.wrapUp());
        if (w.agentId() != null) {
            if ("offered".equals(w.state())) toAgent(w.agentId(), new ServerFrame.OfferWithdrawn(null, w.conversationId(), "closed"), origin);
            else toAgent(w.agentId(), push, origin);
        }
        // The customer is told that it ended and why, without the wrap-up code (the agents' own classification).
        pushes.push(List.of(Principal.keyOfCustomer(w.customerId())),
                new ServerFrame.ConversationEnded(null, w.conversationId(), by, c.reason(), null), AUDIENCE, origin);
    }

    void transferred(RoutingEngine.Transferred t, GatewaySession origin, String replyId) {
        WorkRow w = t.work();
        ParticipantView from = named(Participant.agent(t.fromAgent()));
        ParticipantView to = t.toAgent() != null ? named(Participant.agent(t.toAgent()))
                : ConversationViews.of(new Participant(Participant.Kind.QUEUE, t.toQueue()));
        origin.send(new ServerFrame.ConversationTransferred(replyId, w.conversationId(), from, to, from));
        toAgent(t.fromAgent(), new ServerFrame.ConversationTransferred(null, w.conversationId(), from, to, from), origin);
        String text = displayName(t.fromAgent()) + " transferred the conversation to "
                + (t.toAgent() != null ? displayName(t.toAgent()) : "queue " + t.toQueue()) + ".";
        // The system message first, so that the new agent's history already holds it when it is told.
        systemMessage(w, "transfer-" + System.nanoTime(), text);
        if (t.toAgent() != null) {
            toAgent(t.toAgent(), new ServerFrame.ConversationTransferred(null, w.conversationId(), from, to, from), null);
            toAgent(t.toAgent(), new ServerFrame.ConversationAssigned(null, w.conversationId(), RoutingEngine.customerView(w), w.queueId()), null);
            conversationFrame(w, t.toAgent());
            agentJoined(w, t.toAgent());
        }
    }

    private void systemMessage(WorkRow w, String clientMessageId, String text) {
        // The conversation as it stands now: its participants after the transfer receive the message.
        conversationOf(w).ifPresent(c -> transcript.append(c, Participant.SYSTEM, clientMessageId, text).exceptionally(e -> {
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            // Closed before its notice was written: nothing is stored after the end its participants were told.
            if (cause instanceof org.deskframe.diagnostics.ProblemException p && p.problem().error() == org.deskframe.diagnostics.ErrorCode.CONVERSATION_CLOSED) {
                log.info("system message in {} not stored: the conversation ended first", w.conversationId());
            } else {
                log.warn("system message in {} not stored: {}", w.conversationId(), e.toString());
            }
            return null;
        }).join());
    }

    /** Loads the conversation through a participant that is certainly in it: its customer. */
    private java.util.Optional<org.deskframe.messaging.Conversation> conversationOf(WorkRow w) {
        return conversations.findFor(w.orgId(), new Participant(Participant.Kind.CUSTOMER, w.customerId()), w.conversationId());
    }

    /** The conversation itself, so the agent's widget lists it and can resume it (its whole history). */
    private void conversationFrame(WorkRow w, String agentId) {
        conversations.findFor(w.orgId(), Participant.agent(agentId), w.conversationId()).ifPresent(c ->
                toAgent(agentId, new ServerFrame.ConversationFrame(null, ConversationViews.of(c)), null));
    }

    private void agentJoined(WorkRow w, String agentId) {
        pushes.push(List.of(Principal.keyOfCustomer(w.customerId())),
                new ServerFrame.AgentJoined(w.conversationId(), new AgentRef(agentId, displayName(agentId))), AUDIENCE, null);
    }

    private void toAgent(String agentId, ServerFrame frame, GatewaySession except) {
        pushes.push(List.of(Principal.keyOfAgent(agentId)), frame, AUDIENCE, except);
    }

    /** An agent with the name people see (a widget that never met it can still say who); others as they are. */
    private ParticipantView named(Participant p) {
        return p.kind() == Participant.Kind.AGENT ? new ParticipantView(p.kind().label(), p.id(), displayName(p.id())) : ConversationViews.of(p);
    }

    private String displayName(String agentId) {
        return agents.find(agentId).map(a -> a.displayName()).orElse(agentId);
    }
}
