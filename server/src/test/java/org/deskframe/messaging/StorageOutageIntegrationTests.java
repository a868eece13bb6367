package org.deskframe.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deskframe.testing.PostgresSchema;
import org.deskframe.testing.PrivatePostgres;
import org.deskframe.testing.ServerInstance;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * PostgreSQL stopped under a running server (a private cluster of the test's own: the machine's is shared): a send
 * and an HTTP read are answered {@code storage.unavailable} (503, "nothing of it was stored", retry) instead of
 * {@code server.internal}, the session stays open, and once PostgreSQL is back the same send (same client message
 * id) is stored once.
 */
class StorageOutageIntegrationTests {

    static PrivatePostgres postgres;
    static PostgresSchema schema;
    static ServerInstance server;
    static final String RW = "messaging:read messaging:write";

    @BeforeAll
    static void start() throws Exception {
        postgres = new PrivatePostgres().start();
        schema = postgres.schema("outage");
        Map<String, Object> props = new LinkedHashMap<>(schema.properties());
        // A request waits at most a second for a connection while the database is away (Hikari's default: 30 s).
        props.put("spring.datasource.hikari.connection-timeout", "1000");
        props.put("spring.datasource.hikari.validation-timeout", "500");
        server = new ServerInstance(Files.createTempDirectory("deskframe-outage"), props).start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.close();
        if (postgres != null) postgres.close();
    }

    @Test
    void whileTheDatabaseIsAwayASendAndAReadSayStorageUnavailableAndTheRetriedSendIsStoredOnceAfter() throws Exception {
        TestClient http = server.http();
        String token = http.agentToken("demo-backend", "agent1", RW);
        try (StreamClient agent = StreamClient.connect(server.base())) {
            agent.authenticate(token, "messaging");
            agent.sendFrame("op", "start_conversation", "id", "s", "agents", List.of("agent2"));
            String conversation = agent.nextOp("conversation").get("conversation").get("id").asString();
            agent.sendFrame("op", "send", "id", "m1", "conversation", conversation, "clientMessageId", "before", "text", "before");
            assertThat(agent.nextOp("ack").get("seq").asLong()).isEqualTo(1);

            postgres.stop();
            JsonNode refused;
            TestClient.Reply read;
            try {
                agent.sendFrame("op", "send", "id", "m2", "conversation", conversation, "clientMessageId", "during", "text", "during");
                refused = agent.nextWithin(f -> "error".equals(f.path("op").asString()) || "ack".equals(f.path("op").asString()),
                        Duration.ofSeconds(20));
                read = http.get("/api/v2/conversations/" + conversation + "/messages", token);
            } finally {
                postgres.start();
            }
            assertThat(refused).as("a reply to the send while the database was away").isNotNull();
            assertThat(refused.get("op").asString()).isEqualTo("error");
            assertThat(refused.get("id").asString()).isEqualTo("m2");
            assertThat(refused.get("code").asString()).isEqualTo("storage.unavailable");
            assertThat(refused.get("message").asString()).contains("database did not answer").contains("nothing of it was stored");
            assertThat(refused.get("hint").asString()).contains("same client message id");
            assertThat(read.status()).as(read.body()).isEqualTo(503);
            assertThat(read.header("X-Deskframe-Error")).isEqualTo("storage.unavailable");
            assertThat(read.json().get("code").asString()).isEqualTo("storage.unavailable");
            assertThat(agent.isClosed()).isFalse();

            // Back: the client sends the refused message again, as the hint says; it is stored once, in order.
            JsonNode ack = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            for (int attempt = 0; ack == null && System.nanoTime() < deadline; attempt++) {
                agent.sendFrame("op", "send", "id", "r" + attempt, "conversation", conversation, "clientMessageId", "during", "text", "during");
                JsonNode reply = agent.nextWithin(f -> "error".equals(f.path("op").asString()) || "ack".equals(f.path("op").asString()),
                        Duration.ofSeconds(10));
                if (reply != null && "ack".equals(reply.get("op").asString())) ack = reply;
                else Thread.sleep(250);
            }
            assertThat(ack).as("an ack once the database is back").isNotNull();
            assertThat(ack.get("seq").asLong()).isEqualTo(2);
            agent.sendFrame("op", "send", "id", "again", "conversation", conversation, "clientMessageId", "during", "text", "during");
            JsonNode duplicate = agent.nextOp("ack");
            assertThat(duplicate.get("seq").asLong()).isEqualTo(2);
            assertThat(duplicate.get("duplicate").asBoolean()).isTrue();
        }
    }
}
