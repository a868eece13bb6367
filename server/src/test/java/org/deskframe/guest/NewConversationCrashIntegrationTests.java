package org.deskframe.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.deskframe.testing.PostgresSchema;
import org.deskframe.testing.ServerProcess;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A new customer conversation is one transaction (conversation, attributes, visitor, guest token, place in the queue),
 * so a crash keeps all of it or none of it: a server in a child JVM takes guest-session requests from many customers
 * at once and is killed with SIGKILL among them. After the restart every acknowledged session resumes to its
 * conversation, its token still opens the messenger, which is told the conversation's place in the queue, and its
 * greeting is stored; in the database every customer conversation of the deployment (acknowledged or not) has its
 * visitor and its routing row, and no routing row or visitor lacks its conversation.
 */
class NewConversationCrashIntegrationTests {

    static final int CUSTOMERS_IN_PARALLEL = 12;
    static final int ACKS_BEFORE_KILL = 150;
    static final Map<String, Object> UNTHROTTLED = Map.of(
            "deskframe.guest.sessions-per-minute", 600_000,
            "deskframe.guest.session-burst", 10_000);

    @Test
    void whenTheEmbeddedDefaultIsKilledAmongNewConversationsThenEachIsWholeOrAbsentAndEveryAcknowledgedOneWaitsInItsQueue(@TempDir Path dir)
            throws Exception {
        try (ServerProcess server = new ServerProcess(dir, UNTHROTTLED)) {
            crashAndCheck(server, () -> DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("deskframe"), "sa", ""));
        }
    }

    @Test
    void whenANodeOnPostgresIsKilledAmongNewConversationsThenEachIsWholeOrAbsentAndEveryAcknowledgedOneWaitsInItsQueue(@TempDir Path dir)
            throws Exception {
        try (PostgresSchema schema = PostgresSchema.named("deskframe_newconv")) {
            Map<String, Object> props = new LinkedHashMap<>(UNTHROTTLED);
            props.putAll(schema.properties());
            try (ServerProcess server = new ServerProcess(dir, props)) {
                crashAndCheck(server, () -> DriverManager.getConnection(PostgresSchema.URL + "?currentSchema=" + schema.name(), "postgres", ""));
            }
        }
    }

    interface Database {
        Connection open() throws SQLException;
    }

    record Acknowledged(String conversation, String token, String resume) {}

    private static void crashAndCheck(ServerProcess server, Database db) throws Exception {
        server.start();
        TestClient http = server.http();
        String origin = server.base();
        Map<String, Acknowledged> acks = new ConcurrentHashMap<>();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger inFlight = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> customers = new ArrayList<>();
        for (int t = 0; t < CUSTOMERS_IN_PARALLEL; t++) {
            int thread = t;
            customers.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; running.get(); i++) {
                    inFlight.incrementAndGet();
                    try {
                        TestClient.Reply r = session(http, origin, Map.of("deployment", "demo-web", "prechat", Map.of("name", "Crash " + thread + "-" + i)));
                        if (!running.get()) return; // answered by a dying server or not at all: not counted either way
                        if (r.status() != 201) {
                            failures.add(r.status() + " " + r.body());
                            return;
                        }
                        JsonNode s = r.json();
                        acks.put(s.get("conversation").asString(),
                                new Acknowledged(s.get("conversation").asString(), s.get("token").asString(), s.get("resume").asString()));
                    } catch (RuntimeException dead) {
                        return; // the connection died with the server
                    } finally {
                        inFlight.decrementAndGet();
                    }
                }
            }));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (acks.size() < ACKS_BEFORE_KILL && failures.isEmpty() && System.nanoTime() < deadline) Thread.sleep(20);
        int inFlightAtKill = inFlight.get();
        server.kill();
        running.set(false);
        for (Thread c : customers) c.join(Duration.ofSeconds(30));
        assertThat(failures).as("guest-session failures before the kill").isEmpty();
        assertThat(acks).as("sessions acknowledged before the kill").hasSizeGreaterThanOrEqualTo(ACKS_BEFORE_KILL);
        // The kill must have hit requests in flight, or this test proves nothing about a crash.
        assertThat(inFlightAtKill).as("session requests in flight when the process died").isPositive();
        Map<String, Acknowledged> acknowledged = Map.copyOf(acks);
        System.out.printf("new-conversation crash test: %d sessions acknowledged, %d requests in flight at the kill%n",
                acknowledged.size(), inFlightAtKill);

        server.start();
        List<String> notResumed = new ArrayList<>();
        List<String> notQueued = new ArrayList<>();
        for (Acknowledged a : acknowledged.values()) {
            TestClient.Reply back = session(http, origin, Map.of("deployment", "demo-web", "resume", a.resume()));
            // 200: resumed (201 would be a new conversation).
            if (back.status() != 200 || !back.json().get("conversation").asString().equals(a.conversation())
                    || !back.json().get("resumed").asBoolean()) {
                notResumed.add(a.conversation() + ": " + back.status() + (back.status() == 200 ? " conversation "
                        + back.json().get("conversation").asString() : " " + back.body()));
            }
        }
        // The messenger's handshake with the acknowledged token (its ledger row) is told the conversation's place.
        for (Acknowledged a : acknowledged.values().stream().limit(40).toList()) {
            try (StreamClient c = StreamClient.connect(server.base(), origin)) {
                GuestSessionIntegrationTests.customer(c, a.token(), origin);
                JsonNode place = c.next(f -> "queue_position".equals(f.path("op").asString())
                        && a.conversation().equals(f.path("conversation").asString()), Duration.ofSeconds(15));
                if (place.get("position").asInt() < 1) notQueued.add(a.conversation() + ": " + place);
            } catch (AssertionError | RuntimeException e) {
                notQueued.add(a.conversation() + ": " + e.getMessage());
            }
        }
        assertThat(notResumed).as("acknowledged sessions that did not resume to their conversation").isEmpty();
        assertThat(notQueued).as("acknowledged conversations the messenger was not told a place in the queue for").isEmpty();
        server.stop();

        try (Connection c = db.open()) {
            Set<String> conversations = ids(c, "select c.id from conversations c join conversation_participants p on p.conversation_id = c.id "
                    + "and p.kind = 'queue' and p.participant_id = 'demo-support' where c.org_id = 'demo'");
            Set<String> visitors = ids(c, "select conversation_id from guest_visitors where deployment_id = 'demo-web'");
            Set<String> routed = ids(c, "select conversation_id from routing_work where queue_id = 'demo-support' and state = 'waiting'");
            Set<String> greeted = ids(c, "select conversation_id from messages where seq = 1 and sender_kind = 'queue'");
            assertThat(conversations).as("conversations").containsAll(acknowledged.keySet());
            assertThat(visitors).as("visitors: exactly the conversations'").isEqualTo(conversations);
            assertThat(routed).as("waiting places in the queue: exactly the conversations'").isEqualTo(conversations);
            assertThat(greeted).as("acknowledged conversations' greetings").containsAll(acknowledged.keySet());
            assertThat(ids(c, "select cast(arrival as varchar(20)) from routing_work where queue_id = 'demo-support'"))
                    .as("one arrival number each").hasSize(routed.size());
            System.out.printf("after the restart: %d conversations (%d acknowledged), each with its visitor and its place in the queue%n",
                    conversations.size(), acknowledged.size());
        }
    }

    private static Set<String> ids(Connection c, String sql) throws SQLException {
        Set<String> ids = new HashSet<>();
        try (var s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) ids.add(rs.getString(1));
        }
        return ids;
    }

    private static TestClient.Reply session(TestClient http, String origin, Map<String, Object> body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(http.base() + "/api/v2/guest/sessions"))
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(TestClient.JSON.writeValueAsString(body)))
                .header("Content-Type", "application/json").header("Origin", origin).build();
        return http.send(request);
    }
}
