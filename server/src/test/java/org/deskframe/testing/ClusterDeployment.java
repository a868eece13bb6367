package org.deskframe.testing;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * N nodes of one deployment over a PostgreSQL schema of the test's own (the machine's shared server, or a
 * {@link PrivatePostgres}), optionally a redis-server of its own and Debian's HAProxy in front: what the cluster
 * tests share. Nodes start one after another (the first migrates the schema and seeds the demo org); every node
 * names the same issuer (the balancer's URL, or else the first node's) and, behind a balancer, the balancer's
 * gateway URL. {@link #close()} stops everything it started and drops the schema.
 */
public final class ClusterDeployment<N extends ClusterDeployment.Node> implements AutoCloseable {

    /** What the fixture needs of a node, in this JVM ({@link ServerInstance}) or a child JVM ({@link ServerProcess}). */
    public interface Node extends AutoCloseable {
        String base();

        TestClient http();
    }

    /** How a node is made and started from its data directory and properties. */
    @FunctionalInterface
    interface Launcher<N> {
        N start(int index, Path dataDir, Map<String, Object> properties);
    }

    private final List<N> nodes = new ArrayList<>();
    private final PostgresSchema schema;
    private final PrivateRedis redis;
    private final Haproxy balancer;
    private final List<AutoCloseable> alsoClose;

    private ClusterDeployment(PostgresSchema schema, PrivateRedis redis, Haproxy balancer, List<AutoCloseable> alsoClose) {
        this.schema = schema;
        this.redis = redis;
        this.balancer = balancer;
        this.alsoClose = alsoClose;
    }

    /** A deployment of {@code size} nodes on a new schema {@code schemaPrefix_<hex>}. */
    public static Builder of(String schemaPrefix, int size) {
        return new Builder(schemaPrefix, size);
    }

    public List<N> nodes() {
        return nodes;
    }

    public N node(int index) {
        return nodes.get(index);
    }

    public PostgresSchema schema() {
        return schema;
    }

    /** The deployment's own redis-server (null without {@link Builder#withRedis()}). */
    public PrivateRedis redis() {
        return redis;
    }

    /** The load balancer (null without {@link Builder#behindHaproxy()}). */
    public Haproxy balancer() {
        return balancer;
    }

    /** Where clients go: the balancer, or else the first node. */
    public String base() {
        return balancer != null ? balancer.base() : nodes.getFirst().base();
    }

    public TestClient http() {
        return new TestClient(base());
    }

    /** Until the deployment's front door (the balancer, or the first node) reports ready. */
    public void awaitReady() {
        awaitReady(http());
    }

    public static void awaitReady(TestClient client) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            try {
                return client.get("/actuator/health/readiness", null).status() == 200;
            } catch (RuntimeException notYet) {
                return false;
            }
        });
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        List<AutoCloseable> all = new ArrayList<>(nodes.reversed());
        // the schema after the nodes that use it
        all.add(schema);
        if (balancer != null) all.add(balancer);
        if (redis != null) all.add(redis);
        all.addAll(alsoClose);
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }

    /** What the deployment is made of; {@link #inProcess()} or {@link #childJvms()} starts it. */
    public static final class Builder {
        private final String schemaPrefix;
        private final int size;
        private boolean withRedis;
        private PrivateRedis givenRedis;
        private boolean behindHaproxy;
        private PrivatePostgres postgres;
        private final Map<String, Object> common = new LinkedHashMap<>();
        private final Map<Integer, Map<String, Object>> perNode = new HashMap<>();
        private final Map<Integer, Map<String, String>> environment = new HashMap<>();
        private final Map<Integer, Duration> startTimeouts = new HashMap<>();
        private final Map<Integer, Class<?>[]> sources = new HashMap<>();
        private final List<AutoCloseable> alsoClose = new ArrayList<>();

        private Builder(String schemaPrefix, int size) {
            this.schemaPrefix = schemaPrefix;
            this.size = size;
        }

        /** A redis-server of the deployment's own, every node's cluster engine (namespace: the schema's name). */
        public Builder withRedis() {
            withRedis = true;
            return this;
        }

        /** This redis-server (started here if it is not running), closed with the deployment. */
        public Builder withRedis(PrivateRedis redis) {
            withRedis = true;
            givenRedis = redis;
            return this;
        }

        /** HAProxy in front: the issuer and the gateway's public URL are the balancer's. */
        public Builder behindHaproxy() {
            behindHaproxy = true;
            return this;
        }

        /** The schema on this PostgreSQL instead of the machine's shared one (not closed by the deployment). */
        public Builder on(PrivatePostgres postgres) {
            this.postgres = postgres;
            return this;
        }

        /** A property of every node. */
        public Builder property(String key, Object value) {
            common.put(key, value);
            return this;
        }

        /** A property of node {@code index} alone (outranks {@link #property}). */
        public Builder nodeProperty(int index, String key, Object value) {
            perNode.computeIfAbsent(index, i -> new LinkedHashMap<>()).put(key, value);
            return this;
        }

        /** Environment of node {@code index}'s child JVM (libfaketime's variables); child JVMs only. */
        public Builder nodeEnvironment(int index, Map<String, String> variables) {
            environment.computeIfAbsent(index, i -> new LinkedHashMap<>()).putAll(variables);
            return this;
        }

        /** More configuration classes for node {@code index}'s context (a test hook); in-process nodes only. */
        public Builder nodeSources(int index, Class<?>... configurations) {
            sources.put(index, configurations.clone());
            return this;
        }

        /** How long node {@code index}'s child JVM may take to start; child JVMs only. */
        public Builder nodeStartTimeout(int index, Duration timeout) {
            startTimeouts.put(index, timeout);
            return this;
        }

        /** Something else the deployment stops at close, after its nodes (a proxy in front of its Redis). */
        public Builder alsoClose(AutoCloseable resource) {
            alsoClose.add(resource);
            return this;
        }

        /** Nodes in this JVM (their beans reachable through {@link ServerInstance#bean}). */
        public ClusterDeployment<ServerInstance> inProcess() throws Exception {
            if (!environment.isEmpty() || !startTimeouts.isEmpty()) {
                throw new IllegalStateException("environment and start timeouts are for child JVMs");
            }
            return start((i, dir, p) -> new ServerInstance(dir, p).withSources(sources.getOrDefault(i, new Class<?>[0])).start());
        }

        /** Each node a child JVM of its own, which a test may kill, pause and start again. */
        public ClusterDeployment<ServerProcess> childJvms() throws Exception {
            if (!sources.isEmpty()) throw new IllegalStateException("configuration classes are for in-process nodes");
            return start((i, dir, p) -> {
                ServerProcess node = new ServerProcess(dir, p).withEnvironment(environment.getOrDefault(i, Map.of()));
                if (startTimeouts.containsKey(i)) node.withStartTimeout(startTimeouts.get(i));
                return node.start();
            });
        }

        private <N extends Node> ClusterDeployment<N> start(Launcher<N> launcher) throws Exception {
            PostgresSchema schema = postgres != null ? postgres.schema(schemaPrefix) : PostgresSchema.named(schemaPrefix);
            PrivateRedis redis = null;
            Haproxy balancer = null;
            ClusterDeployment<N> deployment = null;
            try {
                if (withRedis) {
                    redis = givenRedis != null ? givenRedis : new PrivateRedis();
                    redis.start();
                }
                balancer = behindHaproxy ? new Haproxy() : null;
                deployment = new ClusterDeployment<>(schema, redis, balancer, alsoClose);
                List<Haproxy.Node> ports = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    ports.add(new Haproxy.Node(DeskframeServerTest.freePort(), DeskframeServerTest.freePort()));
                }
                int issuerPort = balancer != null ? balancer.httpPort : ports.getFirst().httpPort();
                for (int i = 0; i < size; i++) {
                    Map<String, Object> p = schema.node(ports.get(i).httpPort(), issuerPort);
                    p.put("deskframe.gateway.port", ports.get(i).gatewayPort());
                    if (balancer != null) {
                        p.put("deskframe.gateway.public-url", balancer.gatewayUrl());
                        // every connection comes through the balancer's address
                        p.put("deskframe.gateway.max-unauthenticated-per-address", 0);
                    }
                    if (redis != null) {
                        p.put("deskframe.cluster.redis-url", redis.url());
                        p.put("deskframe.cluster.namespace", schema.name());
                    }
                    p.putAll(common);
                    p.putAll(perNode.getOrDefault(i, Map.of()));
                    deployment.nodes.add(launcher.start(i, Files.createTempDirectory(schemaPrefix.replace('_', '-') + "-" + i), p));
                }
                if (balancer != null) {
                    balancer.start(ports);
                    deployment.awaitReady();
                }
                return deployment;
            } catch (Exception | Error e) {
                try {
                    if (deployment != null) deployment.close();
                    else {
                        if (redis != null) redis.close();
                        for (AutoCloseable c : alsoClose) c.close();
                        schema.close();
                    }
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }
    }
}
