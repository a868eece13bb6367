package org.deskframe.broker;

import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * What the broker caches a token under: an agent and the scope set asked for (sorted and de-duplicated, so that
 * {@code "a b"} and {@code "b a"} share a token). An empty scope set means "the client's default scopes".
 */
public record AgentKey(String agent, List<String> scopes) {

    public AgentKey {
        Objects.requireNonNull(agent, "agent");
        if (agent.isBlank()) throw new IllegalArgumentException("agent must not be blank");
        scopes = scopes.stream().map(String::trim).filter(s -> !s.isEmpty()).distinct().sorted().toList();
    }

    public static AgentKey of(String agent, Collection<String> scopes) {
        return new AgentKey(agent, List.copyOf(scopes));
    }

    /** The scopes as the OAuth {@code scope} parameter (space-separated), empty when none were asked for. */
    public String scopeParameter() {
        return String.join(" ", scopes);
    }
}
