package org.deskframe.protocol;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the handshake's {@code ready} frame costs to encode: through Jackson's polymorphic pass (as every server frame
 * was written before) and through {@link HotFrameWriter} (what {@link FrameCodec#encode} does for it now). Same text.
 *
 * <pre>java -jar bench/target/benchmarks.jar ServerFrameEncoding -f 1 -wi 3 -i 5</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class ServerFrameEncodingBenchmark {

    final ServerFrame.Ready ready = new ServerFrame.Ready("h1", "s_Vt3kq9x2LmPqRs7u", "messaging",
            new AgentView("agent1", "agent1", "Agent One", "demo"), List.of("messaging:read", "messaging:write", "presence"),
            Instant.parse("2026-12-07T15:04:05.123456Z"), 25, 65_536);

    @Benchmark
    public String readyThroughJackson() {
        return FrameCodec.encodeWithJackson(ready);
    }

    @Benchmark
    public String readyWritten() {
        return FrameCodec.encode(ready);
    }
}
