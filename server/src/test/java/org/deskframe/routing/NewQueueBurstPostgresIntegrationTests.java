package org.deskframe.routing;

import org.deskframe.testing.PostgresServerTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

/**
 * {@link NewQueueBurstIntegrationTests} on PostgreSQL: an arrival that loses the race to create the queue's row gets
 * a duplicate key error, after which PostgreSQL refuses every statement of its transaction unless it is rolled back
 * to the savepoint; each arrival must still take its place.
 */
class NewQueueBurstPostgresIntegrationTests extends PostgresServerTest {

    @Autowired
    ApplicationContext context;

    @Test
    void aBurstOfFirstArrivalsAtANewQueueIsQueuedWithoutWaitingForThePool() throws Exception {
        NewQueueBurstIntegrationTests.burstOfFirstArrivals(context);
    }
}
