package org.deskframe.broker;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An access token for one agent: its value, when it expires, and the scopes it was granted. {@link #toString()} never
 * shows the value, so a token that ends up in a log line or an exception message does not leak.
 *
 * @param value     the bearer token to hand to the page (and only to the page of the agent it is for)
 * @param expiresAt when the platform stops accepting it
 * @param scopes    the granted scopes, sorted
 * @param agent     the agent's username on the platform
 */
public record AgentToken(String value, Instant expiresAt, List<String> scopes, String agent) {

    public AgentToken {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(expiresAt, "expiresAt");
        scopes = List.copyOf(scopes);
        Objects.requireNonNull(agent, "agent");
    }

    @Override
    public String toString() {
        return "AgentToken[agent=" + agent + ", scopes=" + scopes + ", expiresAt=" + expiresAt + ", value=<redacted>]";
    }
}
