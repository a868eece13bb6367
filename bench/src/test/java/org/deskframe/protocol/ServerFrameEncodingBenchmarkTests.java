package org.deskframe.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Runs the benchmark bodies once (not JMH): both write the same text, so the benchmark compares like with like. */
class ServerFrameEncodingBenchmarkTests {

    @Test
    void bothWaysWriteTheSameReadyFrame() {
        ServerFrameEncodingBenchmark bench = new ServerFrameEncodingBenchmark();
        assertThat(bench.readyWritten()).startsWith("{\"op\":\"ready\",").isEqualTo(bench.readyThroughJackson());
    }
}
