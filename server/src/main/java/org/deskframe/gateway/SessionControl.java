package org.deskframe.gateway;

import java.time.Duration;
import java.util.HashSet;
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
import org.deskframe.identity.TokenLedger;
import org.deskframe.tokens.VerifiedToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Ends live sessions everywhere when identity revokes what they stand on: revoked tokens and disabled agents reach every
 * node through the cluster's control channel within milliseconds, no database poll involved. The ledger stays the
 * truth: a node that missed a request resynchronizes from it, and a periodic read of it converges whatever was missed.
 */
@Component
class SessionControl implements ClusterControl.Listener {

    private static final Logger log = LoggerFactory.getLogger(SessionControl.class);
    private static final Duration FEED_OVERLAP = Duration.ofSeconds(2);

    private final ClusterControl control;
    private final SessionRegistry registry;
    private final HandshakeVerifier handshake;
    private final TokenLedger ledger;
    private Instant lastFeedCheck = Instant.now();
    /** Control requests arrive on the cluster thread, which must not wait; naming a cause may read the database. */
    private final ExecutorService closer = Executors.newVirtualThreadPerTaskExecutor();

    SessionControl(ClusterControl control, SessionRegistry registry, HandshakeVerifier handshake, TokenLedger ledger) {
        this.control = control;
        this.registry = registry;
        this.handshake = handshake;
        this.ledger = ledger;
        control.listen(this);
    }

    /**
     * The convergence path: every {@code deskframe.gateway.revocation-poll}, the ledger's revocations since the last look
     * (with an overlap for commits that land late) close what they still find open here.
     */
    @Scheduled(fixedDelayString = "${deskframe.gateway.revocation-poll:5s}")
    void pollLedger() {
        Instant since = lastFeedCheck.minus(FEED_OVERLAP);
        lastFeedCheck = Instant.now();
        closeRevokedSince(since);
    }

    private void closeRevokedSince(Instant since) {
        if (registry.size() == 0) return;
        Set<String> revoked = new HashSet<>(ledger.revokedSince(since));
        if (!revoked.isEmpty()) closeSessionsHolding(revoked);
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

    @Override
    public void resynchronize(Instant since) {
        closer.execute(() -> closeRevokedSince(since));
    }
}
