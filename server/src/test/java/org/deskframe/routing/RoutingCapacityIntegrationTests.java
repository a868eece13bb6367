package org.deskframe.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.deskframe.identity.Agent;
import org.deskframe.routing.QueueRouting.QueueConfig;
import org.deskframe.testing.DeskframeServerTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * 200 conversations arriving at once for 10 agents of capacity 3 (H2), over four queues that all ten agents belong
 * to, so that dispatches of different queues race for the same agents' last slots: none is lost, none doubled, no one
 * overloaded.
 */
class RoutingCapacityIntegrationTests extends DeskframeServerTest {

    static final int CONVERSATIONS = 200;
    static final int AGENTS = 10;
    static final int CAPACITY = 3;
    static final int QUEUES = 4;

    @Autowired
    ApplicationContext context;

    @Test
    void twoHundredConcurrentConversationsNeverPushAnAgentPastItsCapacity() throws Exception {
        RoutingFixture fx = new RoutingFixture(context, BASE);
        List<String> queues = new ArrayList<>();
        for (int q = 0; q < QUEUES; q++) queues.add(fx.queue(RoutingFixture.offersFor(30)));
        Set<String> closed = ConcurrentHashMap.newKeySet();
        List<RoutingLoad.LoadAgent> agents = new ArrayList<>();
        try {
            for (int i = 0; i < AGENTS; i++) {
                Agent a = fx.agent(queues.getFirst(), CAPACITY);
                for (String q : queues.subList(1, QUEUES)) fx.routing().addMember("demo", q, a.id());
                agents.add(RoutingLoad.connect(http, BASE, a, CAPACITY, closed, 200));
            }
            List<Supplier<String>> starters = queues.stream().<Supplier<String>>map(q -> () -> fx.customerConversation(q)).toList();
            List<String> conversations = RoutingLoad.arrive(CONVERSATIONS, 8, starters);
            await().atMost(Duration.ofSeconds(120)).until(() -> closed.size() == CONVERSATIONS);
            assertThat(closed).containsExactlyInAnyOrderElementsOf(conversations);
            Map<String, Integer> max = RoutingLoad.replayLoads(context.getBean(JdbcClient.class), conversations);
            assertThat(max.values()).as("highest load per agent").allMatch(v -> v <= CAPACITY);
            assertThat(max).as("work was spread over every agent").hasSize(AGENTS);
            for (RoutingLoad.LoadAgent a : agents) {
                assertThat(a.maxOpen.get()).as("open at %s's desktop", a.agent.id()).isLessThanOrEqualTo(CAPACITY);
                assertThat(a.served.get()).isPositive();
            }
            // The full capacity was used: with 200 waiting, every agent held CAPACITY at some point.
            assertThat(max.values()).contains(CAPACITY);
        } finally {
            agents.forEach(RoutingLoad.LoadAgent::close);
        }
    }
    /**
     * Work released at once (here: a skill requirement lifted while ten conversations wait) is routed by one dispatch,
     * several decisions per transaction; each decision must see the slots the ones before it took, so the ten are spread
     * two per agent instead of filling the first agents up to their capacity.
     */
    @Test
    void waitingWorkReleasedAtOnceIsSpreadByLoadWithinOneDispatch() {
        RoutingFixture fx = new RoutingFixture(context, BASE);
        String queue = fx.queue(new QueueConfig.Update(30, false, null, null, null, Set.of("nobody-has-this")));
        JdbcClient jdbc = context.getBean(JdbcClient.class);
        List<AgentDesk> desks = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) desks.add(fx.connect(fx.agent(queue, 4), true));
            List<String> conversations = new ArrayList<>();
            for (int i = 0; i < 10; i++) conversations.add(fx.customerConversation(queue));
            Supplier<Map<String, Long>> states = () -> jdbc.sql("select state, count(*) from routing_work where queue_id = ? group by state")
                    .param(queue).query((rs, n) -> Map.entry(rs.getString(1), rs.getLong(2))).list().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            await().atMost(Duration.ofSeconds(10)).until(() -> Long.valueOf(10).equals(states.get().get("waiting")));

            fx.routing().configure("demo", queue, new QueueConfig.Update(null, null, null, null, null, Set.of()));

            await().atMost(Duration.ofSeconds(20)).until(() -> Long.valueOf(10).equals(states.get().get("offered")));
            Map<String, Long> perAgent = jdbc.sql("select agent_id, count(*) from routing_work where queue_id = ? and state = 'offered' group by agent_id")
                    .param(queue).query((rs, n) -> Map.entry(rs.getString(1), rs.getLong(2))).list().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            assertThat(perAgent).as("offers per agent").hasSize(5).allSatisfy((agent, offers) -> assertThat(offers).isEqualTo(2L));
        } finally {
            desks.forEach(AgentDesk::close);
        }
    }
}
