package org.deskframe.broker;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Where the broker keeps the refresh tokens of agents who signed in with the authorization-code flow. The platform
 * rotates refresh tokens: every refresh answers with a new one and the old one stops working, so the broker saves
 * the newest one before it hands out the access token. Implement it over your own database to survive restarts;
 * the default keeps them in memory. Implementations must be thread-safe.
 */
public interface RefreshTokenStore {

    Optional<String> find(String agent);

    void save(String agent, String refreshToken);

    void remove(String agent);

    static RefreshTokenStore inMemory() {
        return new RefreshTokenStore() {
            private final ConcurrentMap<String, String> tokens = new ConcurrentHashMap<>();

            @Override
            public Optional<String> find(String agent) {
                return Optional.ofNullable(tokens.get(agent));
            }

            @Override
            public void save(String agent, String refreshToken) {
                tokens.put(agent, refreshToken);
            }

            @Override
            public void remove(String agent) {
                tokens.remove(agent);
            }

            @Override
            public String toString() {
                return "RefreshTokenStore.inMemory[" + tokens.size() + " agents]";
            }
        };
    }
}
