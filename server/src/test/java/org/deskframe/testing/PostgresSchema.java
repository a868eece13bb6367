package org.deskframe.testing;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A schema of one test's own in the local PostgreSQL ({@code 127.0.0.1:5432/test}, user postgres) or in a
 * {@link PrivatePostgres} ({@code server}), for servers the test starts itself: the properties that put a node on it
 * (Flyway creates it), and its removal at close.
 */
public record PostgresSchema(String name, String server) implements AutoCloseable {

    public static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";

    /** A schema in the machine's shared PostgreSQL. */
    public PostgresSchema(String name) {
        this(name, URL);
    }

    /** A new, randomly named schema: {@code prefix_<hex>}; other runs on this machine share the database. */
    public static PostgresSchema named(String prefix) {
        return new PostgresSchema(prefix + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL));
    }

    /** A JDBC URL for this schema (the independent checker reads through it). */
    public String jdbcUrl() {
        return server + "?currentSchema=" + name;
    }

    /** {@code extra}, then the datasource and Flyway properties of a node on this schema. */
    public Map<String, Object> properties(Map<String, Object> extra) {
        Map<String, Object> p = new LinkedHashMap<>(extra);
        p.putAll(properties());
        return p;
    }

    /** The datasource and Flyway properties of a node on this schema (add a pool size or more as needed). */
    public Map<String, Object> properties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("spring.datasource.url", jdbcUrl());
        p.put("spring.datasource.username", "postgres");
        p.put("spring.datasource.password", "");
        p.put("spring.flyway.schemas", name);
        p.put("spring.flyway.default-schema", name);
        return p;
    }

    /**
     * One node of a deployment on this schema: its HTTP port, the issuer every node shares (the first node's URL stands
     * for the load balancer's), the deployment admin's secret, the datasource with a pool of 8. Tests add their own.
     */
    public Map<String, Object> node(int port, int issuerPort) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("server.port", port);
        p.put("deskframe.region.public-url", "http://localhost:" + issuerPort);
        p.put("deskframe.identity.bootstrap-admin-client-secret", "test-admin-secret-0123456789abcdef-0123");
        p.putAll(properties());
        p.put("spring.datasource.hikari.maximum-pool-size", 8);
        return p;
    }

    /** Drops the schema and everything in it. */
    @Override
    public void close() throws SQLException {
        try (var c = DriverManager.getConnection(server, "postgres", ""); var s = c.createStatement()) {
            s.execute("drop schema if exists " + name + " cascade");
        }
    }
}
