package org.deskframe.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.deskframe.identity.Agent;
import org.deskframe.messaging.ConversationLog;
import org.deskframe.messaging.Conversations;
import org.deskframe.messaging.Participant;
import org.deskframe.testing.PostgresServerTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * A participant told that a conversation ended can read every message of it: nothing is stored after the close.
 * The ordering of fault-suite run 4 (a customer told "ended" read to its end and the database then held one more
 * message), made certain here: a transfer to an auto-accept queue commits, its system notice is held up behind the
 * conversation log's writer (another conversation's row locked by this test, on PostgreSQL), and the agent the queue
 * assigned closes the conversation meanwhile.
 */
class RoutingEndIntegrationTests extends PostgresServerTest {

    @Autowired
    ApplicationContext context;

    @Test
    void aTransferNoticeWrittenAfterTheCloseIsNotStoredBeyondTheEndTheParticipantsWereTold() throws Exception {
        RoutingFixture fx = new RoutingFixture(context, BASE);
        String first = fx.queue(RoutingFixture.offersFor(30));
        String auto = fx.queue(RoutingFixture.autoAccept());
        Agent a = fx.agent(first, 2);
        Agent c = fx.agent(auto, 2);
        String conversation = fx.customerConversation(first);
        // Another conversation, whose row this test locks: the log's one writer then waits on it.
        Participant someone = new Participant(Participant.Kind.CUSTOMER, RoutingFixture.unique("blocker"));
        org.deskframe.messaging.Conversation blocker = context.getBean(Conversations.class).start("demo", someone, java.util.List.of(), "blocker");
        try (AgentDesk desk = fx.connect(a, true); AgentDesk next = fx.connect(c, true);
             Connection db = DriverManager.getConnection(JDBC_URL, "postgres", "")) {
            assertThat(desk.nextOp("conversation_offered").get("conversation").asString()).isEqualTo(conversation);
            assertThat(desk.command("op", "accept", "conversation", conversation).get("op").asString()).isEqualTo("conversation_assigned");
            JsonNode ack = desk.command("op", "send", "conversation", conversation, "clientMessageId", "a-1", "text", "Hello");
            assertThat(ack.get("op").asString()).as(ack.toString()).isEqualTo("ack");

            db.setAutoCommit(false);
            try (PreparedStatement lock = db.prepareStatement("select id from conversations where id = ? for update")) {
                lock.setString(1, blocker.id());
                lock.executeQuery().close();
            }
            ConversationLog log = context.getBean(ConversationLog.class);
            CompletableFuture<?> held = log.append(blocker, someone, "held-1", "held up behind this test's lock");
            Thread.sleep(300);

            // The transfer commits and answers; its notice waits for the writer.
            JsonNode transferred = desk.command("op", "transfer", "conversation", conversation, "queue", auto);
            assertThat(transferred.get("op").asString()).as(transferred.toString()).isEqualTo("conversation_transferred");
            next.next(f -> "conversation_assigned".equals(RoutingFixture.text(f, "op"))
                    && conversation.equals(RoutingFixture.text(f, "conversation")), Duration.ofSeconds(15));
            JsonNode ended = next.command("op", "close", "conversation", conversation);
            assertThat(ended.get("op").asString()).as(ended.toString()).isEqualTo("conversation_ended");
            long toldEndAt = lastSeq(db, conversation);

            db.commit();
            held.get(15, java.util.concurrent.TimeUnit.SECONDS);
            // The transfer's notice had its turn at the writer after the lock went.
            Thread.sleep(1_000);
            assertThat(lastSeq(db, conversation)).as("messages stored after the participants were told it ended")
                    .isEqualTo(toldEndAt);
            assertThat(maxStoredSeq(db, conversation)).isEqualTo(toldEndAt);
        }
    }

    private static long lastSeq(Connection db, String conversation) throws Exception {
        return single(db, "select last_seq from conversations where id = ?", conversation);
    }

    private static long maxStoredSeq(Connection db, String conversation) throws Exception {
        return single(db, "select coalesce(max(seq), 0) from messages where conversation_id = ?", conversation);
    }

    private static long single(Connection db, String sql, String conversation) throws Exception {
        try (PreparedStatement s = db.prepareStatement(sql)) {
            s.setString(1, conversation);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                long v = rs.getLong(1);
                db.commit();
                return v;
            }
        }
    }
}
