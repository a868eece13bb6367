package org.deskframe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

/** Runs the benchmark body once per level (not JMH): it must release its buffer and leave the level as it was. */
class NettyLeakDetectionBenchmarkTests {

    @Test
    void everyLevelReleasesTheBufferAndRestoresTheLevel() {
        ResourceLeakDetector.Level before = ResourceLeakDetector.getLevel();
        for (String level : new String[] {"DISABLED", "SIMPLE"}) {
            NettyLeakDetectionBenchmark bench = new NettyLeakDetectionBenchmark();
            bench.level = level;
            bench.setUp();
            assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.valueOf(level));
            for (int i = 0; i < 1_000; i++) assertThat(bench.bufferAtEventLoopDepth()).isEqualTo(42);
            bench.tearDown();
        }
        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(before);
    }
}
