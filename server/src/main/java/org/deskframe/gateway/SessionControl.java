package org.deskframe.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.deskframe.cluster.ClusterControl;
import org.deskframe.cluster.PrincipalKey;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.Problem;
import org.deskframe.identity.AccessTokensRevoked;
import org.deskframe.identity.AgentDisabled;
import org.deskframe.identity.AccessChange;
import org.deskframe.identity.AccessChanges;
import org.deskframe.identity.AgentChanged;
import org.deskframe.identity.OAuthClientChanged;
import org.deskframe.tokens.VerifiedToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Ends live sessions everywhere when identity takes away what they stand on: revoked tokens and disabled agents reach
 * every node through the cluster's control channel within milliseconds, and a changed OAuth client or agent makes every
 * node re-check the sessions concerned at once. The database stays the truth: identity's access-change feed, read by
 * position (never by a clock) every {@code deskframe.gateway.revocation-poll} and whenever the cluster says something
 * changed or may have been missed, converges whatever a node missed.
 */
@Component
class SessionControl implements ClusterControl.Listener {

    private static final Logger log = LoggerFactory.getLogger(SessionControl.class);
    private static final int PAGE = 500;
    /** How long a position missing from the feed is looked for: far longer than an identity transaction takes. */
    static final Duration GAP_PATIENCE = Duration.ofSeconds(60);

    private final ClusterControl control;
    private final SessionRegistry registry;
    private final HandshakeVerifier handshake;
    private final AccessChanges changes;
    private final AccessFeedCursor cursor;
    /** Control requests arrive on the cluster thread, which must not wait; naming a cause may read the database. */
    private final ExecutorService closer = Executors.newVirtualThreadPerTaskExecutor();

    SessionControl(ClusterControl control, SessionRegistry registry, HandshakeVerifier handshake, AccessChanges changes) {
        this.control = control;
        this.registry = registry;
        this.handshake = handshake;
        this.changes = changes;
        // Sessions opened from now on are checked against the records as they are; only later changes concern them.
        this.cursor = new AccessFeedCursor(changes.head(), GAP_PATIENCE, System::nanoTime);
        control.listen(this);
    }

    /** The convergence path: what the feed holds that this node has not acted on yet. */
    @Scheduled(fixedDelayString = "${deskframe.gateway.revocation-poll:5s}")
    void pollFeed() {
        readFeed();
    }

    synchronized void readFeed() {
        List<AccessChange> fresh = new ArrayList<>();
        long from = cursor.readFrom();
        while (true) {
            List<AccessChange> page = changes.after(from, PAGE);
            fresh.addAll(cursor.accept(page));
            if (page.size() < PAGE) break;
            from = page.getLast().position();
        }
        cursor.settle();
        if (fresh.isEmpty() || registry.size() == 0) return;
        Set<String> tokens = new HashSet<>(), agents = new HashSet<>(), clients = new HashSet<>();
        for (AccessChange c : fresh) {
            switch (c.kind()) {
                case TOKEN -> tokens.add(c.subject());
                case AGENT -> agents.add(c.subject());
                case CLIENT -> clients.add(c.subject());
            }
        }
        if (!tokens.isEmpty()) closeSessionsHolding(tokens);
        if (!agents.isEmpty() || !clients.isEmpty()) recheckSessions(agents, clients);
    }

    /** After the revoking transaction commits, so a client that reconnects at once already finds its token revoked. */
    @TransactionalEventListener(fallbackExecution = true)
    void on(AccessTokensRevoked event) {
        control.tokensRevoked(event.tokenIds());
    }

    @TransactionalEventListener(fallbackExecution = true)
    void on(AgentDisabled event) {
        control.disconnect(PrincipalKey.of(Principal.keyOfAgent(event.agentId())), ErrorCode.AGENT_DISABLED);
    }

    @TransactionalEventListener(fallbackExecution = true)
    void on(OAuthClientChanged event) {
        control.accessChanged();
    }

    @TransactionalEventListener(fallbackExecution = true)
    void on(AgentChanged event) {
        control.accessChanged();
    }

    @Override
    public void disconnect(PrincipalKey principal, ErrorCode reason) {
        closer.execute(() -> closeSessionsOf(principal, reason));
    }

    private void closeSessionsOf(PrincipalKey principal, ErrorCode reason) {
        for (StreamSession s : registry.of(principal.value())) {
            Principal p = s.principal;
            Problem cause = reason == ErrorCode.AGENT_DISABLED && p != null
                    ? Problem.of(reason, Map.of("agent", p.id(), "org", String.valueOf(p.orgId()))) : Problem.of(reason);
            log.info("closing session {} of {}: {}", s.id, principal, cause.code());
            StreamHandler.fail(s, null, cause);
        }
    }

    @Override
    public void tokensRevoked(Set<String> tokenIds) {
        closer.execute(() -> closeSessionsHolding(tokenIds));
    }

    @Override
    public void accessChanged() {
        closer.execute(this::readFeed);
    }

    void closeSessionsHolding(Set<String> tokenIds) {
        for (StreamSession s : registry.all()) {
            VerifiedToken token = s.token;
            if (s.state == StreamSession.State.READY && token != null && tokenIds.contains(token.jti())) {
                Problem cause = handshake.revocationCause(token);
                log.info("closing session {} of agent {}: {}", s.id, token.agentId(), cause.code());
                StreamHandler.fail(s, null, cause);
            }
        }
    }

    /** The sessions of these agents and OAuth clients go through the handshake's checks again; those now refused close with its cause. */
    private void recheckSessions(Set<String> agents, Set<String> clients) {
        for (StreamSession s : registry.all()) {
            VerifiedToken token = s.token;
            if (s.state != StreamSession.State.READY || token == null || !(s.principal instanceof Principal.Agent)) continue;
            if (!agents.contains(token.agentId()) && !clients.contains(token.clientId())) continue;
            Problem cause = handshake.recheck(token, s.widget, s.embedOrigin);
            if (cause != null) {
                log.info("closing session {} of agent {}: {}", s.id, token.agentId(), cause.code());
                StreamHandler.fail(s, null, cause);
            }
        }
    }

    /** The cursor knows what this node has read: whatever was missed since {@code since} is still in the feed. */
    @Override
    public void resynchronize(Instant since) {
        closer.execute(this::readFeed);
    }
}
