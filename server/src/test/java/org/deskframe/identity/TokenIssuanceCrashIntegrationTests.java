package org.deskframe.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.deskframe.testing.PostgresSchema;
import org.deskframe.testing.ServerProcess;
import org.deskframe.testing.TestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Token issuance through a crash: a server in a child JVM answers client_credentials and jwt-bearer requests from many
 * clients at once (their durable writes group-committed) and is killed with SIGKILL in the middle of them, then started
 * again on the same database. Every token it answered is still accepted (its ledger row survived: a lost row would make
 * it refused), and every assertion it answered a token for is refused when presented again (its use survived: a lost
 * one would let a captured assertion be replayed).
 */
class TokenIssuanceCrashIntegrationTests {

    static final String CLIENT = "demo-backend";
    static final String SECRET = CLIENT + TestClient.DEMO_SECRET_SUFFIX;
    static final int CLIENTS = 24;
    /** Enough answers before the kill that it lands in the middle of steady issuing. */
    static final int TOKENS_BEFORE_KILL = 600;
    /** Assertions outlive the restart, so a replay after it is refused for being used, not for having expired. */
    static final Map<String, Object> LONG_ASSERTIONS = Map.of("deskframe.identity.max-assertion-lifetime", "30m");

    @Test
    void whenTheEmbeddedDefaultIsKilledWhileIssuingThenEveryTokenAnsweredIsAcceptedAndEveryAssertionStaysUsed(@TempDir Path dir)
            throws Exception {
        try (ServerProcess server = new ServerProcess(dir, LONG_ASSERTIONS)) {
            crashWhileIssuingAndCheck(server);
        }
    }

    @Test
    void whenANodeOnPostgresIsKilledWhileIssuingThenEveryTokenAnsweredIsAcceptedAndEveryAssertionStaysUsed(@TempDir Path dir)
            throws Exception {
        try (PostgresSchema schema = PostgresSchema.named("deskframe_token_crash");
             ServerProcess server = new ServerProcess(dir, schema.properties(LONG_ASSERTIONS))) {
            crashWhileIssuingAndCheck(server);
        }
    }

    private static void crashWhileIssuingAndCheck(ServerProcess server) throws Exception {
        server.start();
        TestClient http = server.http();
        Issuing load = new Issuing(http);
        load.start();
        load.awaitAnswers(TOKENS_BEFORE_KILL, Duration.ofSeconds(120));
        server.kill();
        load.stop();
        assertThat(load.failures).as("refusals while issuing").isEmpty();
        // The kill must have hit requests in flight, or this proves nothing about a crash.
        assertThat(load.unansweredAtKill.get()).as("token requests in flight when the process died").isPositive();
        List<Issued> answered = new ArrayList<>(load.answered);
        long assertions = answered.stream().filter(i -> i.assertion() != null).count();
        assertThat(assertions).as("jwt-bearer tokens answered").isPositive().isLessThan(answered.size());
        System.out.printf("token crash test: %d tokens answered (%d jwt-bearer), %d requests in flight at the kill%n",
                answered.size(), assertions, load.unansweredAtKill.get());

        server.start();
        List<String> refused = new ArrayList<>();
        List<String> replayable = new ArrayList<>();
        for (Issued issued : answered) {
            TestClient.Reply me = http.get("/api/v2/tokens/me", issued.token());
            if (me.status() != 200) refused.add(me.status() + " " + me.body());
            if (issued.assertion() != null) {
                TestClient.Reply again = http.form("/oauth2/token", CLIENT, SECRET, jwtBearer(issued.assertion()));
                if (again.status() != 400 || !"assertion.replayed".equals(again.json().path("code").asString())) {
                    replayable.add(again.status() + " " + again.body());
                }
            }
        }
        assertThat(refused).as("answered tokens refused after the restart (of %d)", answered.size()).isEmpty();
        assertThat(replayable).as("used assertions accepted again after the restart (of %d)", assertions).isEmpty();
    }

    static Map<String, String> jwtBearer(String assertion) {
        return Map.of("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion", assertion);
    }

    /** A token the server answered 200 for, and the assertion it was granted for (null: client_credentials). */
    record Issued(String token, String assertion) {}

    /** Client threads asking for tokens one after another, half of them by client_credentials, half by jwt-bearer. */
    static final class Issuing {
        final TestClient http;
        final ConcurrentLinkedQueue<Issued> answered = new ConcurrentLinkedQueue<>();
        final AtomicInteger count = new AtomicInteger();
        final AtomicInteger unansweredAtKill = new AtomicInteger();
        final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicBoolean running = new AtomicBoolean(true);
        final List<Thread> threads = new ArrayList<>();

        Issuing(TestClient http) {
            this.http = http;
        }

        void start() {
            for (int i = 0; i < CLIENTS; i++) {
                boolean bearer = i % 2 == 0;
                threads.add(Thread.ofVirtual().name("issuing-" + i).start(() -> ask(bearer)));
            }
        }

        void awaitAnswers(int n, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (count.get() < n && System.nanoTime() < deadline && failures.isEmpty()) Thread.sleep(20);
            assertThat(count.get()).as("tokens answered before the kill (failures: %s)", failures).isGreaterThanOrEqualTo(n);
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) t.join(Duration.ofSeconds(30));
        }

        private void ask(boolean bearer) {
            while (running.get()) {
                String assertion = bearer ? TestClient.hs256Assertion(CLIENT, SECRET, "agent1", http.base() + "/oauth2/token",
                        Instant.now(), Duration.ofMinutes(25), UUID.randomUUID().toString()) : null;
                TestClient.Reply r;
                try {
                    r = http.form("/oauth2/token", CLIENT, SECRET,
                            bearer ? jwtBearer(assertion) : Map.of("grant_type", "client_credentials"));
                } catch (UncheckedIOException gone) {
                    // No answer: the process died with this request in it (refused: it was dead before the request).
                    if (!(gone.getCause() instanceof java.net.ConnectException)) unansweredAtKill.incrementAndGet();
                    return;
                }
                if (r.status() == 200) {
                    answered.add(new Issued(r.json().get("access_token").asString(), assertion));
                    count.incrementAndGet();
                } else if (running.get()) {
                    failures.add(r.status() + " " + r.body());
                }
            }
        }
    }
}
