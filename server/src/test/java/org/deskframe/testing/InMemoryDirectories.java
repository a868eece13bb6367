package org.deskframe.testing;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.deskframe.identity.Agent;
import org.deskframe.identity.AgentDirectory;
import org.deskframe.identity.ClientDirectory;
import org.deskframe.identity.OAuthClient;

/**
 * Identity's client and agent directories held in memory, for what a token check reads of them (find, and listing by
 * organisation); each counts its finds, so tests can tell a read from a cache hit. Writes go through {@code put}; the
 * directories' own write operations are not supported. Shared by unit tests and the benchmarks (test-fixtures jar).
 */
public final class InMemoryDirectories {

    private InMemoryDirectories() {}

    public static final class Clients implements ClientDirectory {
        private final Map<String, OAuthClient> byId = new ConcurrentHashMap<>();
        private final AtomicInteger finds = new AtomicInteger();

        public void put(OAuthClient client) {
            byId.put(client.clientId(), client);
        }

        public int finds() {
            return finds.get();
        }

        @Override
        public Optional<OAuthClient> find(String clientId) {
            finds.incrementAndGet();
            return Optional.ofNullable(byId.get(clientId));
        }

        @Override
        public List<OAuthClient> inOrg(String orgId) {
            return byId.values().stream().filter(c -> orgId.equals(c.orgId())).toList();
        }

        @Override
        public OAuthClient register(ClientRegistration registration) {
            throw new UnsupportedOperationException();
        }

        @Override
        public OAuthClient update(String clientId, ClientChange change) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<String> assertionSecret(String clientId) {
            return Optional.empty();
        }

        @Override
        public void setSecret(String clientId, String secret, boolean keepForAssertions) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void setChosenSecret(String clientId, String secret) {
            throw new UnsupportedOperationException();
        }
    }

    public static final class Agents implements AgentDirectory {
        private final Map<String, Agent> byId = new ConcurrentHashMap<>();
        private final AtomicInteger finds = new AtomicInteger();

        public void put(Agent agent) {
            byId.put(agent.id(), agent);
        }

        public int finds() {
            return finds.get();
        }

        @Override
        public Optional<Agent> find(String id) {
            finds.incrementAndGet();
            return Optional.ofNullable(byId.get(id));
        }

        @Override
        public Optional<Agent> findByUsername(String username) {
            return byId.values().stream().filter(a -> a.username().equals(username)).findFirst();
        }

        @Override
        public List<Agent> inOrg(String orgId) {
            return byId.values().stream().filter(a -> a.orgId().equals(orgId)).toList();
        }

        @Override
        public Agent create(NewAgent agent) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Agent update(String id, AgentChange change) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void setPassword(String id, String password) {
            throw new UnsupportedOperationException();
        }
    }
}
