package org.deskframe.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the integration tests that must run on PostgreSQL (the scaled-out engine): one Deskframe server on a free
 * port over the local PostgreSQL ({@code 127.0.0.1:5432/test}, user postgres), in a schema of its own that Flyway
 * creates and that is dropped when the context closes. Shared by all subclasses, like {@link DeskframeServerTest}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@Import(DropTestSchemaOnClose.class)
public abstract class PostgresServerTest {

    protected static final int PORT = DeskframeServerTest.freePort();
    protected static final String BASE = "http://localhost:" + PORT;
    protected static final int GATEWAY_PORT = DeskframeServerTest.freePort();
    /** Unique per run, so that runs in parallel (other worktrees, CI) never share tables. */
    protected static final String SCHEMA = "deskframe_test_" + PORT + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
    protected static final String JDBC_URL = "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + SCHEMA;

    @DynamicPropertySource
    static void serverProperties(DynamicPropertyRegistry registry) {
        nodeProperties(PORT).forEach((name, value) -> registry.add(name, () -> value));
    }

    /**
     * The configuration of one node of this test's deployment: every node shares the database and the region's public
     * URL (the issuer), as nodes behind one load balancer do; only the port differs.
     */
    protected static Map<String, Object> nodeProperties(int port) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("server.port", port);
        // Each node has its own gateway port (the shared server's is fixed, so tests can reach it).
        p.put("deskframe.gateway.port", port == PORT ? GATEWAY_PORT : DeskframeServerTest.freePort());
        p.put("deskframe.region.public-url", BASE);
        p.put("deskframe.identity.data-dir", tempDir());
        p.put("deskframe.identity.secret-key", "test-secret-key-0123456789abcdef-0123456789");
        p.put("deskframe.identity.bootstrap-admin-client-secret", "test-admin-secret-0123456789abcdef-0123");
        p.put("deskframe.demo.extra-origins", "https://desk.integrator.example");
        p.put("spring.datasource.url", JDBC_URL);
        p.put("spring.datasource.username", "postgres");
        p.put("spring.datasource.password", "");
        p.put("spring.datasource.hikari.maximum-pool-size", 5);
        p.put("spring.flyway.schemas", SCHEMA);
        p.put("spring.flyway.default-schema", SCHEMA);
        // Scaled-out mode: live delivery between nodes over the local Redis.
        p.put("deskframe.cluster.redis-url", "redis://127.0.0.1:6379");
        // The cluster module's keys and channels per run, like the schema: runs in other worktrees share this Redis.
        p.put("deskframe.cluster.namespace", SCHEMA);
        return p;
    }

    protected final TestClient http = new TestClient(BASE);

    private static String tempDir() {
        try {
            return Files.createTempDirectory("deskframe-pg-test").toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
