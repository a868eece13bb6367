package org.deskframe.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of every {@code *IntegrationTests}: one Deskframe server (demo data, in-memory H2) on a free port, shared by
 * all subclasses so the context starts once per test run. The issuer is {@code http://localhost:PORT}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@Import(ShiftedClock.Config.class)
public abstract class DeskframeServerTest {

    protected static final int PORT = freePort();
    protected static final String BASE = "http://localhost:" + PORT;
    /** The gateway's own port (docs/scaling.md): widgets and StreamClient find it through /embed/v1/env. */
    protected static final int GATEWAY_PORT = freePort();
    protected static final String EXTRA_GATEWAY_ORIGIN = "https://console.integrator.example";

    @DynamicPropertySource
    static void serverProperties(DynamicPropertyRegistry registry) throws IOException {
        Path dataDir = Files.createTempDirectory("deskframe-test");
        registry.add("server.port", () -> PORT);
        registry.add("deskframe.gateway.port", () -> GATEWAY_PORT);
        registry.add("deskframe.region.public-url", () -> BASE);
        registry.add("deskframe.identity.data-dir", dataDir::toString);
        registry.add("deskframe.identity.secret-key", () -> "test-secret-key-0123456789abcdef-0123456789");
        // Short enough that refresh-token reuse detection can be tested without long waits.
        registry.add("deskframe.identity.refresh-reuse-leeway", () -> "2s");
        registry.add("deskframe.demo.extra-origins", () -> "https://desk.integrator.example");
        // A page of the integrator's that opens the socket itself (not through a widget iframe).
        registry.add("deskframe.gateway.extra-origins", () -> EXTRA_GATEWAY_ORIGIN);
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:deskframe-" + PORT + ";DB_CLOSE_DELAY=-1");
        registry.add("deskframe.identity.bootstrap-admin-client-id", () -> "deskframe-admin");
        registry.add("deskframe.identity.bootstrap-admin-client-secret", () -> "test-bootstrap-admin-secret-0123456789abcdef");
        // Short, so that a supervisor view's resynchronisation is seen within a test's wait.
        registry.add("deskframe.routing.supervisor-resync", () -> "2s");
    }

    protected final TestClient http = new TestClient(BASE);

    /**
     * A free port below the kernel's ephemeral range (32768+): a server starts seconds after its port is chosen, and a
     * port from the ephemeral range may meanwhile be taken by any outgoing connection (database, Redis, HTTP clients).
     */
    public static int freePort() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = random.nextInt(20_000, 32_000);
            try (ServerSocket s = new ServerSocket(port)) {
                s.setReuseAddress(true);
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("no free port between 20000 and 32000");
    }
}
