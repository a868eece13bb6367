package org.deskframe.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Runs the benchmark bodies once per store (not JMH), so the benchmark never measures refusals or fallbacks. */
class ClusterLimitsBenchmarkTests {

    @Test
    void everyCallIsAnsweredByTheStoreItMeasures() {
        for (String store : new String[] {"memory", "redis"}) {
            ClusterLimitsBenchmark bench = new ClusterLimitsBenchmark();
            bench.store = store;
            bench.setUp();
            try {
                assertThat(bench.take().allowed()).isTrue();
                assertThat(bench.take().clusterWide()).isTrue();
                assertThat(bench.acquireAndRelease().granted()).isTrue();
                assertThat(bench.acquireAndRelease().clusterWide()).isTrue();
                assertThat(bench.lookup().present()).isTrue();
                assertThat(bench.lookup().clusterWide()).isTrue();
            } finally {
                bench.tearDown();
            }
        }
    }
}
