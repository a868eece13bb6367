package org.deskframe.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.deskframe.guest.CustomerConversationStarted;
import org.deskframe.guest.CustomerProfile;
import org.deskframe.identity.QueueDirectory;
import org.deskframe.messaging.Conversation;
import org.deskframe.messaging.Conversations;
import org.deskframe.messaging.Participant;
import org.deskframe.testing.DeskframeServerTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The first arrivals at a queue routing has no row for yet, all at once, each inside its own transaction as a guest
 * session's is. Creating the row once took a second pooled connection per arrival while it held its first: with more
 * arrivals in flight than the pool has connections to spare, all of them waited for the pool's 30 s timeout (found by the
 * routing benchmark's first run on a fresh deployment). Now the row is created behind a savepoint on the caller's
 * connection.
 */
class NewQueueBurstIntegrationTests extends DeskframeServerTest {

    @Autowired
    ApplicationContext context;

    @Test
    void aBurstOfFirstArrivalsAtANewQueueIsQueuedWithoutWaitingForThePool() throws Exception {
        burstOfFirstArrivals(context);
    }

    /** Also run on PostgreSQL, where the losers' duplicate inserts must be rolled back to their savepoints. */
    static void burstOfFirstArrivals(ApplicationContext context) throws Exception {
        String queue = RoutingFixture.unique("q-new");
        context.getBean(QueueDirectory.class).create(queue, "demo", "Queue " + queue);
        TransactionTemplate tx = context.getBean(TransactionTemplate.class);
        // As many arrivals as the pool has connections, each holding one: none is left for a second.
        int arrivalsCount = context.getBean(com.zaxxer.hikari.HikariDataSource.class).getMaximumPoolSize();
        final int ARRIVALS = arrivalsCount;
        Conversations conversations = context.getBean(Conversations.class);
        CyclicBarrier together = new CyclicBarrier(ARRIVALS);
        List<CompletableFuture<String>> arrivals = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(ARRIVALS)) {
            for (int i = 0; i < ARRIVALS; i++) {
                String customer = RoutingFixture.unique("cust");
                arrivals.add(CompletableFuture.supplyAsync(() -> tx.execute(s -> {
                    // Holding this transaction's connection (the insert), as the guest session does, before routing sees it.
                    Conversation c = conversations.start("demo", new Participant(Participant.Kind.CUSTOMER, customer),
                            List.of(new Participant(Participant.Kind.QUEUE, queue)), "help");
                    try {
                        together.await(20, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    context.publishEvent(new CustomerConversationStarted("demo", c.id(), "dep-test", queue,
                            new CustomerProfile(customer, "Customer " + customer, null, false, Map.of()), Instant.now()));
                    return c.id();
                }), pool));
            }
            List<String> queued = new ArrayList<>();
            // Well inside the pool's 30 s connection timeout: a deadlocked pool fails here, not after it.
            for (CompletableFuture<String> a : arrivals) queued.add(a.get(25, TimeUnit.SECONDS));
            assertThat(queued).hasSize(ARRIVALS).doesNotHaveDuplicates();
        }
        var events = context.getBean(org.springframework.jdbc.core.simple.JdbcClient.class)
                .sql("select count(*) from routing_work where queue_id = ?").param(queue).query(Long.class).single();
        assertThat(events).as("every arrival has its place in the queue").isEqualTo((long) ARRIVALS);
    }
}
