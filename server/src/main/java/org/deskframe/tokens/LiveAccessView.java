package org.deskframe.tokens;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.deskframe.cluster.ClusterControl;
import org.deskframe.cluster.PrincipalKey;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.identity.AccessTokensRevoked;
import org.deskframe.identity.Agent;
import org.deskframe.identity.AgentChanged;
import org.deskframe.identity.AgentDirectory;
import org.deskframe.identity.AgentDisabled;
import org.deskframe.identity.ClientDirectory;
import org.deskframe.identity.OAuthClient;
import org.deskframe.identity.OAuthClientChanged;
import org.deskframe.identity.TokenLedger;

/**
 * What a token check reads of identity on every request (the ledger, the OAuth client, the agent), as this node last
 * read it. Only standings that let a token pass are kept (a live token, an existing agent or client); a refusal is
 * always confirmed by a fresh read ({@link #forget}), so staleness can never refuse a token the records accept.
 * Entries go at once when identity reports a change on this node (after its commit), within milliseconds when another
 * node's change arrives over the cluster's control channel, and in any case after {@code recordStaleness}.
 */
final class LiveAccessView implements ClusterControl.Listener {

    private static final Object STANDING = Boolean.TRUE;

    private final TokenLedger ledger;
    private final ClientDirectory clients;
    private final AgentDirectory agents;
    /** jti -> STANDING for a token the ledger holds unrevoked. */
    private final Cache<String, Object> unrevoked;
    private final Cache<String, OAuthClient> clientsById;
    private final Cache<String, Agent> agentsById;

    LiveAccessView(TokenLedger ledger, ClientDirectory clients, AgentDirectory agents, TokenCheckSettings settings, Ticker ticker) {
        this.ledger = ledger;
        this.clients = clients;
        this.agents = agents;
        this.unrevoked = standings(settings, ticker);
        this.clientsById = standings(settings, ticker);
        this.agentsById = standings(settings, ticker);
    }

    /** One kind of standing: bounded, trusted for {@code recordStaleness}, upkeep on the caller (never the common pool). */
    private static <V> Cache<String, V> standings(TokenCheckSettings settings, Ticker ticker) {
        return Caffeine.newBuilder().executor(Runnable::run).ticker(ticker).maximumSize(Math.max(1_000, settings.verifiedTokens()))
                .expireAfterWrite(settings.recordStaleness()).build();
    }

    /** As {@link TokenLedger#isRevoked}, from this node's view. */
    boolean isRevoked(String jti) {
        // A loader returning null stores nothing: a revoked (or unknown) token is read again each time.
        return unrevoked.get(jti, j -> ledger.isRevoked(j) ? null : STANDING) == null;
    }

    Optional<OAuthClient> client(String clientId) {
        return Optional.ofNullable(clientsById.get(clientId, id -> clients.find(id).orElse(null)));
    }

    Optional<Agent> agent(String agentId) {
        return Optional.ofNullable(agentsById.get(agentId, id -> agents.find(id).orElse(null)));
    }

    /** Drops what this node holds for a token, its client and its agent (any may be null), so that the next read is fresh. */
    void forget(String jti, String clientId, String agentId) {
        if (jti != null) unrevoked.invalidate(jti);
        if (clientId != null) clientsById.invalidate(clientId);
        if (agentId != null) agentsById.invalidate(agentId);
    }

    // Identity's events on this node: called after the change commits (see AccessTokenVerifier's listeners).

    void on(AccessTokensRevoked event) {
        unrevoked.invalidateAll(event.tokenIds());
    }

    void on(AgentDisabled event) {
        agentsById.invalidate(event.agentId());
    }

    void on(AgentChanged event) {
        agentsById.invalidate(event.agentId());
    }

    void on(OAuthClientChanged event) {
        clientsById.invalidate(event.clientId());
    }

    // Every node's control requests, this node's own included (on the cluster thread: nothing here blocks for long).

    @Override
    public void tokensRevoked(Set<String> tokenIds) {
        unrevoked.invalidateAll(tokenIds);
    }

    /** A principal closed everywhere (a disabled agent): its key's format is the gateway's, so every agent is read again. */
    @Override
    public void disconnect(PrincipalKey principal, ErrorCode reason) {
        agentsById.invalidateAll();
    }

    @Override
    public void accessChanged() {
        clientsById.invalidateAll();
        agentsById.invalidateAll();
    }

    @Override
    public void resynchronize(Instant since) {
        unrevoked.invalidateAll();
        clientsById.invalidateAll();
        agentsById.invalidateAll();
    }

    /** For tests: how many standings this node holds. */
    long size() {
        return unrevoked.estimatedSize() + clientsById.estimatedSize() + agentsById.estimatedSize();
    }
}
