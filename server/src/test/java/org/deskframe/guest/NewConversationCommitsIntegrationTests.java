package org.deskframe.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.deskframe.identity.Agent;
import org.deskframe.routing.AgentDesk;
import org.deskframe.routing.QueueRouting;
import org.deskframe.routing.RoutingFixture;
import org.deskframe.testing.CommitCounter;
import org.deskframe.testing.ServerInstance;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient;
import org.deskframe.testing.TestClient.Reply;
import org.junit.jupiter.api.Test;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * What a new customer conversation costs in durable commits, step by step (issue 11: on one disk each commit is a
 * synchronous write): the guest session request, the messenger's handshake, the first message, the offer. The list
 * is printed (docs/benchmarks.md, "Routing", has it) and each step's count is held to what it is now.
 */
class NewConversationCommitsIntegrationTests {

    @Test
    void aNewCustomerConversationCommitsOnceForItsSessionAndOnceForItsGreetingUpToTheOffer() throws Exception {
        // A server of its own: the shared one's context must stay one configuration (DeskframeServerTest).
        try (ServerInstance server = new ServerInstance(Files.createTempDirectory("deskframe-commits"), Map.of(
                "spring.datasource.url", "jdbc:h2:mem:new-conversation-commits;DB_CLOSE_DELAY=-1")).withSources(CommitCounter.Config.class)) {
            server.start();
            journey(server.context(), server.base());
        }
    }

    private static void journey(ApplicationContext context, String base) {
        RoutingFixture fx = new RoutingFixture(context, base);
        GuestFixture guests = new GuestFixture(new TestClient(base));
        String queue = fx.queue(new QueueRouting.QueueConfig.Update(30, false, null, null, null, null));
        Agent agent = fx.agent(queue, 5);
        String origin = GuestFixture.uniqueOrigin();
        String dep = guests.deployment(origin, "queue", queue, "prechatFields", List.of("name"));

        try (AgentDesk desk = fx.connect(agent, true)) {
            sleepForBackgroundWrites(); // the dispatch that the agent's becoming available starts, finding nothing
            int start = CommitCounter.mark();
            int statementsStart = CommitCounter.statementMark();
            Reply opened = guests.session(origin, "deployment", dep, "prechat", Map.of("name", "Casey"));
            assertThat(opened.status()).as(opened.body()).isEqualTo(201);
            String conversation = opened.json().get("conversation").asString();
            JsonNode offer = desk.nextOp("conversation_offered");
            assertThat(offer.get("conversation").asString()).isEqualTo(conversation);
            List<CommitCounter.Commit> session = CommitCounter.since(start);
            List<CommitCounter.Executed> sessionStatements = CommitCounter.statementsSince(statementsStart);

            int handshakeStart = CommitCounter.mark();
            int handshakeStatements = CommitCounter.statementMark();
            try (StreamClient c = StreamClient.connect(base, base)) {
                GuestSessionIntegrationTests.customer(c, opened.json().get("token").asString(), origin);
                AgentDesk customer = new AgentDesk(c);
                // Offered, not yet accepted: the session is told nothing more; give its handshake's writes a moment.
                sleepForBackgroundWrites();
                List<CommitCounter.Commit> handshake = CommitCounter.since(handshakeStart);
                List<CommitCounter.Executed> handshakeRun = CommitCounter.statementsSince(handshakeStatements);

                int sendStart = CommitCounter.mark();
                int sendStatements = CommitCounter.statementMark();
                JsonNode ack = customer.command("op", "send", "conversation", conversation, "clientMessageId", "first", "text", "Hello?");
                assertThat(ack.get("op").asString()).as(ack.toString()).isEqualTo("ack");
                sleepForBackgroundWrites();
                List<CommitCounter.Commit> send = CommitCounter.since(sendStart);
                List<CommitCounter.Executed> sendRun = CommitCounter.statementsSince(sendStatements);
                List<CommitCounter.Executed> ofSession = sessionStatements.stream().filter(e -> e.within("GuestSessions.open")).toList();
                printStatements("session request", ofSession);
                printStatements("offer (dispatch)", sessionStatements.stream().filter(e -> e.within("RoutingEngine.dispatchNow")).toList());
                printStatements("handshake", handshakeRun.stream().filter(e -> !e.caller().startsWith("RoutingSweeper")).toList());
                printStatements("first message", sendRun.stream().filter(e -> !e.caller().startsWith("RoutingSweeper")).toList());

                System.out.printf("commits: session request + offer %d%n  %s%nhandshake %d%n  %s%nfirst message %d%n  %s%n",
                        session.size(), String.join("\n  ", session.stream().map(Object::toString).toList()),
                        handshake.size(), String.join("\n  ", handshake.stream().map(Object::toString).toList()),
                        send.size(), String.join("\n  ", send.stream().map(Object::toString).toList()));
                // The session's one transaction, the greeting (conversation log), the offer (routing's dispatch; on a
                // loaded machine the sweeper's pass over queues with waiting work may run one more dispatch meanwhile).
                List<String> callers = commitsOf(session).stream().map(CommitCounter.Commit::caller).toList();
                assertThat(callers).as("session request + offer: %s", session)
                        .containsOnlyOnce("GuestSessions.open", "GroupCommitLog.commit").contains("RetriedTransactions.execute")
                        .containsOnly("GuestSessions.open", "GroupCommitLog.commit", "RetriedTransactions.execute");
                // The place in the queue comes from a sequence: an arrival neither locks nor writes its queue's row, which
                // every dispatch of the queue holds (arrivals would otherwise commit one at a time behind it).
                assertThat(ofSession).as("session request: %s", ofSession).extracting(CommitCounter.Executed::sql)
                        .noneMatch(sql -> sql.contains("routing_queues") && (sql.contains("for update") || sql.startsWith("update")));
                assertThat(commitsOf(handshake)).as("handshake: %s", handshake).isEmpty();
                // The message itself; routing's activity time is within its resolution of the arrival, so it is not written.
                assertThat(commitsOf(send)).as("first message: %s", send).extracting(CommitCounter.Commit::caller)
                        .containsExactly("GroupCommitLog.commit");
            }
        }
    }

    private static void printStatements(String step, List<CommitCounter.Executed> statements) {
        System.out.printf("statements: %s %d%n  %s%n", step, statements.size(),
                String.join("\n  ", statements.stream().map(Object::toString).toList()));
    }

    /** Routing keeps activity times off the log writer's thread: give it a moment to show up in the count. */
    private static void sleepForBackgroundWrites() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The commits of this journey: the sweeper's rounds (every second, on every node) are not part of it. */
    private static List<CommitCounter.Commit> commitsOf(List<CommitCounter.Commit> commits) {
        return commits.stream().filter(c -> !c.caller().startsWith("RoutingSweeper")).toList();
    }
}
