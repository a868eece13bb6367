package org.deskframe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.deskframe.testing.PostgresServerTest;
import org.deskframe.testing.StreamClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * A failure inside the server while it handles an op (here: storage refuses the query) is the server's fault, and the
 * reply says so: {@code server.internal} naming the op, with the catalogue's "retry, then report" hint. It is never
 * passed off as a client error, and the session stays open for the next frame.
 */
class OpFailureIntegrationTests extends PostgresServerTest {

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void anOpThatFailsInsideTheServerIsAnsweredServerInternalAndTheSessionGoesOn() {
        try (StreamClient agent = StreamClient.connect(BASE)) {
            agent.authenticate(http.agentToken("demo-backend", "agent1", "messaging:read messaging:write"), "messaging");
            jdbc.execute("alter table canned_responses rename to canned_responses_away");
            JsonNode error;
            try {
                agent.sendFrame("op", "list_canned_responses", "id", "lc1");
                error = agent.nextOp("error");
            } finally {
                jdbc.execute("alter table canned_responses_away rename to canned_responses");
            }
            assertThat(error.get("id").asString()).isEqualTo("lc1");
            assertThat(error.get("code").asString()).isEqualTo("server.internal");
            assertThat(error.get("message").asString()).isEqualTo("The server failed while handling op 'list_canned_responses'.");
            assertThat(error.get("hint").asString()).contains("server log");
            assertThat(error.has("closeCode")).isFalse();

            agent.sendFrame("op", "list_canned_responses", "id", "lc2");
            JsonNode reply = agent.nextOp("canned_responses");
            assertThat(reply.get("id").asString()).isEqualTo("lc2");
        }
    }
}
