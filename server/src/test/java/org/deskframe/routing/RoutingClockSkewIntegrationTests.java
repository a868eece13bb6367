package org.deskframe.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.deskframe.identity.Agent;
import org.deskframe.storage.SharedClock;
import org.deskframe.testing.ClusterDeployment;
import org.deskframe.testing.ServerInstance;
import org.deskframe.testing.ShiftedClock;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.JsonNode;

/**
 * Two nodes over one PostgreSQL schema, the second node's own clock three minutes ahead (as libfaketime runs the fault
 * suite's node 3). Routing's timers are stamped and compared on the database's clock, so an offer the node on time makes
 * lasts its full timeout although the skewed node's sweeper looks for expired offers every second; and when the skewed
 * node's clock steps further (as the fault suite steps node 1's), its shared clock does not follow the step.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class RoutingClockSkewIntegrationTests {

    static final Duration AHEAD = Duration.ofMinutes(3);

    static ClusterDeployment<ServerInstance> deployment;
    static ServerInstance onTime;
    static ServerInstance skewed;

    /** The skewed node's wall clock, the one its shared clock measures its offset from (a test steps it). */
    static final ShiftedClock SKEWED_CLOCK = new ShiftedClock();

    @TestConfiguration(proxyBeanMethods = false)
    static class ThreeMinutesAhead {
        @Bean(SharedClock.LOCAL_CLOCK)
        Clock threeMinutesAhead() {
            SKEWED_CLOCK.shift(AHEAD);
            return SKEWED_CLOCK;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        deployment = ClusterDeployment.of("deskframe_clockskew", 2).withRedis().nodeSources(1, ThreeMinutesAhead.class).inProcess();
        onTime = deployment.node(0);
        skewed = deployment.node(1);
    }

    @AfterAll
    static void stop() throws Exception {
        if (deployment != null) deployment.close();
    }

    @Test
    void eachNodeMeasuresItsOffsetToTheDatabasesClock() {
        assertThat(onTime.bean(SharedClock.class).offset().abs()).isLessThan(Duration.ofSeconds(1));
        assertThat(skewed.bean(SharedClock.class).offset().plus(AHEAD).abs()).isLessThan(Duration.ofSeconds(1));
        assertThat(Duration.between(onTime.bean(SharedClock.class).instant(), skewed.bean(SharedClock.class).instant()).abs())
                .isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void anOfferTheNodeOnTimeMakesIsNotExpiredEarlyByTheSkewedNodesSweeper() {
        // The skewed node sweeps every second; on its own clock the 20 s offer expired 2 min 40 s ago.
        anOfferTheNodeOnTimeMakesLastsAndIsAccepted();
    }

    /** Last: a measurement of the skewed node's offset taken during the step would be what the first test reads. */
    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE)
    void whenTheSkewedNodesClockStepsAheadItsSweeperStillLeavesAnOfferItsTime() {
        // Three minutes further ahead between two measurements of its offset (every 30 s): without the monotonic clock
        // between them its sweeper's "now" was six minutes ahead until the next one, and every open offer expired.
        SKEWED_CLOCK.shift(AHEAD.multipliedBy(2));
        try {
            anOfferTheNodeOnTimeMakesLastsAndIsAccepted();
            assertThat(Duration.between(onTime.bean(SharedClock.class).instant(), skewed.bean(SharedClock.class).instant()).abs())
                    .isLessThan(Duration.ofSeconds(1));
        } finally {
            SKEWED_CLOCK.shift(AHEAD);
        }
    }

    /** A 20 s offer the node on time makes: not withdrawn within 4 s, then accepted, the audit saying just that. */
    private void anOfferTheNodeOnTimeMakesLastsAndIsAccepted() {
        RoutingFixture fixture = new RoutingFixture(onTime.context(), onTime.base());
        String queue = fixture.queue(RoutingFixture.offersFor(20));
        Agent agent = fixture.agent(queue, 1);
        try (AgentDesk desk = fixture.connect(agent, true)) {
            String conversation = fixture.customerConversation(queue);
            assertThat(desk.nextOp("conversation_offered").get("conversation").asString()).isEqualTo(conversation);
            assertThat(desk.pollOp("offer_withdrawn", Duration.ofSeconds(4))).as("offer withdrawn early").isNull();
            JsonNode accepted = desk.command("op", "accept", "conversation", conversation);
            assertThat(accepted.get("op").asString()).as(accepted.toString()).isEqualTo("conversation_assigned");
            assertThat(fixture.eventKinds(fixture.token(agent), conversation)).containsExactly("queued", "offered", "accepted");
        }
    }

    @Test
    void theSupervisorViewOnTheSkewedNodeStatesTimesAndWaitsOnTheDatabasesClock() {
        RoutingFixture fixture = new RoutingFixture(onTime.context(), onTime.base());
        // No members: it waits, enqueued on the database's clock.
        String queue = fixture.queue(RoutingFixture.offersFor(30));
        fixture.customerConversation(queue);
        String token = onTime.http().agentToken("demo-backend", "agent1", "supervisor:read");

        TestClient.Reply snapshot = skewed.http().get("/api/v2/supervisor/queues", token);
        assertThat(snapshot.status()).as(snapshot.body()).isEqualTo(200);
        // On the node's own clock "at" would be three minutes ahead and the wait would be three minutes long.
        assertThat(Duration.between(Instant.now(), Instant.parse(snapshot.json().get("at").asString())).abs()).isLessThan(Duration.ofSeconds(30));
        JsonNode q = SupervisorViewIntegrationTests.queueOf(snapshot.json().get("queues"), queue);
        assertThat(q.get("waiting").asInt()).isEqualTo(1);
        assertThat(q.get("longestWaitSeconds").asLong()).isLessThan(60);

        try (StreamClient sup = StreamClient.connect(skewed.base())) {
            sup.authenticate(token, "supervisor");
            sup.sendFrame("op", "watch_queues", "id", "w1");
            JsonNode view = sup.next(f -> "w1".equals(RoutingFixture.text(f, "id")), Duration.ofSeconds(15));
            assertThat(Duration.between(Instant.now(), Instant.parse(view.get("at").asString())).abs()).isLessThan(Duration.ofSeconds(30));
            assertThat(SupervisorViewIntegrationTests.queueOf(view.get("queues"), queue).get("longestWaitSeconds").asLong()).isLessThan(60);
        }
    }
}
