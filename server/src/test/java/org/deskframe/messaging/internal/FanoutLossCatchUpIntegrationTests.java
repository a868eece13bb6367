package org.deskframe.messaging.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.deskframe.testing.DeskframeServerTest;
import org.deskframe.testing.StreamClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * A message committed on another node whose fan-out was lost reaches this node's sessions when the cluster reports the
 * loss, not only when a later message reveals the gap: the log is read beyond each session's cursors.
 */
class FanoutLossCatchUpIntegrationTests extends DeskframeServerTest {

    static final String RW = "messaging:read messaging:write";

    @Autowired
    MessageDelivery delivery;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aMessageWhoseFanOutWasLostIsDeliveredAtTheCatchUpWithoutWaitingForTraffic() {
        // MessageDelivery subscribes this catch-up to the cluster bus's losses (ClusterMemoryTests: a lost last
        // broadcast is reported from the publisher's beacon); here it is called as the loss listener would.
        try (StreamClient a1 = StreamClient.connect(BASE); StreamClient a2 = StreamClient.connect(BASE)) {
            a1.authenticate(http.agentToken("demo-backend", "agent1", RW), "messaging");
            a2.authenticate(http.agentToken("demo-backend", "agent2", RW), "messaging");
            a1.sendFrame("op", "start_conversation", "id", "start", "agents", List.of("agent2"), "subject", "loss");
            String conv = a1.nextOp("conversation").get("conversation").get("id").asString();
            a1.sendFrame("op", "send", "id", "s1", "conversation", conv, "clientMessageId", "m-1", "text", "first");
            assertThat(a2.nextOp("message").get("seq").asLong()).isEqualTo(1);

            // Committed by another node; its messaging.posted never arrived here.
            jdbc.sql("insert into messages (" + LogStatements.COLUMNS + ") values (?, 2, 'elsewhere-1', 'agent', 'agent1', "
                            + "'from the other node', ?, false, null, null, null, null)")
                    .params(conv, Timestamp.from(Instant.now())).update();
            jdbc.sql("update conversations set last_seq = 2 where id = ?").param(conv).update();
            org.awaitility.Awaitility.await().pollDelay(Duration.ofMillis(300)).until(() -> true);
            assertThat(a2.drain()).as("nothing reveals the gap by itself").noneMatch(f -> "message".equals(f.get("op").asString()));

            delivery.catchUpLocalSessions();

            JsonNode caughtUp = a2.next(f -> "message".equals(f.get("op").asString()), Duration.ofSeconds(3));
            assertThat(caughtUp.get("seq").asLong()).isEqualTo(2);
            assertThat(caughtUp.get("text").asString()).isEqualTo("from the other node");
            // Exactly once: a second catch-up, or the next live message, sends nothing twice.
            delivery.catchUpLocalSessions();
            a1.sendFrame("op", "send", "id", "s3", "conversation", conv, "clientMessageId", "m-3", "text", "third");
            JsonNode next = a2.next(f -> "message".equals(f.get("op").asString()), Duration.ofSeconds(3));
            assertThat(next.get("seq").asLong()).isEqualTo(3);
        }
    }
}
