package org.deskframe.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.deskframe.guest.CustomerConversationStarted;
import org.deskframe.guest.CustomerProfile;
import org.deskframe.identity.Agent;
import org.deskframe.identity.AgentDirectory;
import org.deskframe.identity.QueueDirectory;
import org.deskframe.messaging.Conversation;
import org.deskframe.messaging.Conversations;
import org.deskframe.messaging.Participant;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * What routing tests set up, through the server's own beans (queues, agents, routing configuration) and the real
 * gateway (agents' sessions): and the guest side's part, a customer conversation started with messaging and announced
 * with {@link CustomerConversationStarted}, as the messenger will.
 */
public final class RoutingFixture {

    public static final String AGENT_SCOPES = "messaging:read messaging:write presence routing:read";

    private final ApplicationContext context;
    private final String base;
    private final TestClient http;

    public RoutingFixture(ApplicationContext context, String base) {
        this.context = context;
        this.base = base;
        this.http = new TestClient(base);
    }

    public static String unique(String prefix) {
        return prefix + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffffL);
    }

    public QueueRouting routing() {
        return context.getBean(QueueRouting.class);
    }

    /** A new queue of org demo with these routing settings. */
    public String queue(QueueRouting.QueueConfig.Update config) {
        String id = unique("q");
        context.getBean(QueueDirectory.class).create(id, "demo", "Queue " + id);
        routing().configure("demo", id, config);
        return id;
    }

    public static QueueRouting.QueueConfig.Update offersFor(int seconds) {
        return new QueueRouting.QueueConfig.Update(seconds, false, null, null, null, null);
    }

    public static QueueRouting.QueueConfig.Update autoAccept() {
        return new QueueRouting.QueueConfig.Update(30, true, null, null, null, null);
    }

    /** A new agent of org demo, member of {@code queue}, with {@code capacity}. */
    public Agent agent(String queue, int capacity) {
        String id = unique("ra");
        Agent a = context.getBean(AgentDirectory.class).create(new AgentDirectory.NewAgent(id, "demo", id, id + "@demo.example",
                "Agent " + id, null, Set.of("agent"), true));
        routing().configureAgent("demo", a.id(), capacity, null);
        if (queue != null) routing().addMember("demo", queue, a.id());
        return a;
    }

    /** The agent's messaging widget session, ready and (when asked) available. */
    public AgentDesk connect(Agent agent, boolean available) {
        return connect(base, agent, available);
    }

    /** The agent's session on the server at {@code serverBase} (another node). */
    public AgentDesk connect(String serverBase, Agent agent, boolean available) {
        StreamClient c = StreamClient.connect(serverBase);
        c.authenticate(http.agentToken("demo-backend", agent.username(), AGENT_SCOPES), "messaging");
        AgentDesk desk = new AgentDesk(c);
        assertThat(desk.nextOp("presence").get("agent").asString()).isEqualTo(agent.id());
        if (available) setPresence(desk, "available");
        return desk;
    }

    public static JsonNode setPresence(AgentDesk c, String status) {
        JsonNode reply = c.command("op", "set_presence", "status", status);
        assertThat(reply.get("op").asString()).as(reply.toString()).isEqualTo("presence");
        return reply;
    }

    public String token(Agent agent) {
        return http.agentToken("demo-backend", agent.username(), AGENT_SCOPES);
    }

    /** A customer's conversation with {@code queue}, announced as the guest capability announces it. */
    public String customerConversation(String queue) {
        String customerId = unique("cust");
        Conversation c = context.getBean(Conversations.class).start("demo", new Participant(Participant.Kind.CUSTOMER, customerId),
                List.of(new Participant(Participant.Kind.QUEUE, queue)), "help");
        context.publishEvent(new CustomerConversationStarted("demo", c.id(), "dep-test", queue,
                new CustomerProfile(customerId, "Customer " + customerId, customerId + "@example.com", false, Map.of("plan", "gold")),
                Instant.now()));
        return c.id();
    }

    public static String text(JsonNode f, String field) {
        JsonNode n = f.get(field);
        return n == null || n.isNull() ? null : n.asString();
    }

    /** The routing decisions of a conversation, by kind, as the events API lists them. */
    public List<String> eventKinds(String token, String conversation) {
        TestClient.Reply r = http.get("/api/v2/conversations/" + conversation + "/events", token);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("events").valueStream().map(e -> e.get("kind").asString()).toList();
    }
}
