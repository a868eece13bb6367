package org.deskframe.routing.internal;

import java.util.Map;
import org.deskframe.cluster.Presence;
import org.deskframe.cluster.PrincipalKey;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.gateway.GatewaySession;
import org.deskframe.gateway.OpHandler;
import org.deskframe.gateway.Principal;
import org.deskframe.gateway.SessionListener;
import org.deskframe.identity.Scope;
import org.deskframe.messaging.Participant;
import org.deskframe.protocol.ClientFrame;
import org.deskframe.protocol.ServerFrame;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Routing's ops on the gateway (set_presence, accept, decline, transfer, close) and its part in agents' sessions: a
 * new session is told its presence and its open offers; the last session's end starts the offline grace period.
 * Presence needs scope {@code presence}; acting on conversations {@code messaging:write}.
 */
@Configuration(proxyBeanMethods = false)
class RoutingOps implements SessionListener {

    private final RoutingEngine engine;
    private final RoutingNotices notices;
    private final RoutingStore store;
    private final Presence presence;
    private final StandingResync standing;

    RoutingOps(RoutingEngine engine, RoutingNotices notices, RoutingStore store, Presence presence, StandingResync standing) {
        this.engine = engine;
        this.notices = notices;
        this.store = store;
        this.presence = presence;
        this.standing = standing;
    }

    @Bean
    OpHandler<ClientFrame.SetPresence> setPresenceOp() {
        return OpHandler.of(ClientFrame.SetPresence.class, (s, f) -> {
            Principal.Agent agent = agent(s, "set_presence");
            s.requireScope(Scope.PRESENCE, "setting presence");
            // The change is pushed to the agent's other sessions; this one gets the reply.
            s.send(RoutingNotices.presenceFrame(f.id(), engine.setPresence(agent.id(), agent.orgId(), f.status(), s)));
        });
    }

    @Bean
    OpHandler<ClientFrame.Accept> acceptOp() {
        return OpHandler.of(ClientFrame.Accept.class, (s, f) -> {
            Principal.Agent agent = actingAgent(s, "accept");
            RoutingEngine.Accepted accepted = engine.accept(agent.id(), agent.orgId(), f.conversation());
            if (accepted.again()) notices.acceptedAgain(accepted.work(), s, f.id());
            else notices.accepted(accepted.work(), agent.id(), s, f.id());
        });
    }

    @Bean
    OpHandler<ClientFrame.Decline> declineOp() {
        return OpHandler.of(ClientFrame.Decline.class, (s, f) -> {
            Principal.Agent agent = actingAgent(s, "decline");
            engine.decline(agent.id(), agent.orgId(), f.conversation());
            s.send(new ServerFrame.OfferWithdrawn(f.id(), f.conversation(), "declined"));
        });
    }

    @Bean
    OpHandler<ClientFrame.Transfer> transferOp() {
        return OpHandler.of(ClientFrame.Transfer.class, (s, f) -> {
            Principal.Agent agent = actingAgent(s, "transfer");
            notices.transferred(engine.transfer(agent.orgId(), agent.id(), f.conversation(), f.agent(), f.queue()), s, f.id());
        });
    }

    /** An agent closes one assigned to it; a customer its own conversation. */
    @Bean
    OpHandler<ClientFrame.Close> closeOp() {
        return OpHandler.of(ClientFrame.Close.class, (s, f) -> {
            Participant by = switch (s.principal()) {
                case Principal.Agent a -> {
                    s.requireScope(Scope.MESSAGING_WRITE, "closing conversations");
                    yield Participant.agent(a.id());
                }
                case Principal.Customer c -> new Participant(Participant.Kind.CUSTOMER, c.id());
            };
            String reason = by.kind() == Participant.Kind.AGENT ? "closed_by_agent" : "closed_by_customer";
            notices.closed(engine.close(s.principal().orgId(), by, f.conversation(), f.wrapUp(), reason), s, f.id());
        });
    }

    /**
     * A new session of an agent: its presence, its open offers (an offer reaches every session, late ones too) and the
     * conversations assigned to it. A customer's: where its conversation stands (its place in the queue, the agent it
     * is with, or how it ended).
     */
    @Override
    public void ready(GatewaySession session, ClientFrame.Authenticate frame) {
        if (session.principal() instanceof Principal.Agent a && session.mayReceive(RoutingNotices.AUDIENCE)) {
            // One read (the agent's row with its open work); a write only when a grace period is running (a reconnect),
            // not on every handshake.
            RoutingStore.AgentStanding agent = engine.agentStanding(a.id(), a.orgId());
            if (agent.agent().disconnectedAt() != null) store.connected(a.id());
            standing.tellAgent(session, agent);
        } else {
            standing.tell(session);
        }
    }

    /** The agent's last session anywhere closed: the grace period starts (RoutingSweeper ends it). */
    @Override
    public void closed(GatewaySession session) {
        if (!(session.principal() instanceof Principal.Agent a)) return;
        if (presence.isPresent(PrincipalKey.of(a.key()))) return;
        store.disconnected(a.id(), engine.now());
    }

    private static Principal.Agent agent(GatewaySession s, String op) {
        if (s.principal() instanceof Principal.Agent a) return a;
        throw ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason", op + " is an agent's op; customer sessions may only close their own conversation"));
    }

    private static Principal.Agent actingAgent(GatewaySession s, String op) {
        Principal.Agent a = agent(s, op);
        s.requireScope(Scope.MESSAGING_WRITE, op + " of conversations");
        return a;
    }
}
