package org.deskframe.routing.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.deskframe.identity.Agent;
import org.deskframe.routing.AgentDesk;
import org.deskframe.routing.RoutingFixture;
import org.deskframe.testing.DeskframeServerTest;
import org.deskframe.testing.Prometheus;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

/**
 * Routing on /actuator/prometheus: a queue's waiting conversations and its longest wait, and decisions by kind counted
 * once their transaction committed (docs/observability.md).
 */
class RoutingMetricsIntegrationTests extends DeskframeServerTest {

    @Autowired
    ApplicationContext context;

    @Autowired
    RoutingMetrics metrics;

    @Test
    void aQueuesWaitAndItsOffersAndAcceptsAreOnTheMetrics() throws Exception {
        RoutingFixture fx = new RoutingFixture(context, BASE);
        String queue = fx.queue(RoutingFixture.offersFor(30));
        String before = Prometheus.scrape(http);
        double offered = Prometheus.value(before, "deskframe_routing_events_total", "kind=\"offered\"");
        double accepted = Prometheus.value(before, "deskframe_routing_events_total", "kind=\"accepted\"");

        String first = fx.customerConversation(queue);
        fx.customerConversation(queue);
        Thread.sleep(1_100);
        metrics.readQueues(); // as its 5 s schedule does
        String waiting = Prometheus.scrape(http);
        assertThat(Prometheus.value(waiting, "deskframe_routing_queue_waiting", "queue=\"" + queue + "\"", "org=\"demo\"")).isEqualTo(2);
        assertThat(Prometheus.value(waiting, "deskframe_routing_queue_longest_wait_seconds", "queue=\"" + queue + "\""))
                .isGreaterThanOrEqualTo(1.0);

        Agent agent = fx.agent(queue, 1);
        try (AgentDesk desk = fx.connect(agent, true)) {
            assertThat(desk.nextOp("conversation_offered").get("conversation").asString()).isEqualTo(first);
            assertThat(desk.command("op", "accept", "conversation", first).get("op").asString()).isEqualTo("conversation_assigned");
            // At least: the shared server's other queues go on routing (their offers time out and go again) meanwhile.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                String after = Prometheus.scrape(http);
                assertThat(Prometheus.value(after, "deskframe_routing_events_total", "kind=\"offered\"")).isGreaterThanOrEqualTo(offered + 1);
                assertThat(Prometheus.value(after, "deskframe_routing_events_total", "kind=\"accepted\"")).isGreaterThanOrEqualTo(accepted + 1);
            });
            metrics.readQueues();
            assertThat(Prometheus.value(Prometheus.scrape(http), "deskframe_routing_queue_waiting", "queue=\"" + queue + "\""))
                    .as("one still waits (the agent's capacity is 1)").isEqualTo(1);
        }
    }
}
