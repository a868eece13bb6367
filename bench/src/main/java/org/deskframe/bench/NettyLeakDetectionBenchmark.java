package org.deskframe.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What Netty's leak detection costs per buffer the gateway's I/O threads allocate (a read, an encoded frame): one
 * pooled direct buffer allocated, written, read and released at a call depth like an event loop's (the sampled buffer's
 * stack trace grows with it), per detection level. Decides the production setting (gateway/GatewayServer).
 * Run: {@code java -jar bench/target/benchmarks.jar NettyLeakDetection -f 1 -wi 3 -i 5}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class NettyLeakDetectionBenchmark {

    /** Frames between the event loop's run loop and a handler's allocation, roughly, in a gateway thread dump. */
    static final int EVENT_LOOP_DEPTH = 40;

    @Param({"DISABLED", "SIMPLE"})
    public String level;

    private ResourceLeakDetector.Level before;

    @Setup(Level.Trial)
    public void setUp() {
        before = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.valueOf(level));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ResourceLeakDetector.setLevel(before);
    }

    @Benchmark
    public long bufferAtEventLoopDepth() {
        return atDepth(EVENT_LOOP_DEPTH);
    }

    private long atDepth(int depth) {
        return depth == 0 ? oneBuffer() : atDepth(depth - 1);
    }

    /** Allocates, uses and releases one buffer; returns what it read, and the buffer's count after release (0). */
    static long oneBuffer() {
        ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        buffer.writeLong(42);
        long read = buffer.readLong();
        buffer.release();
        return read + buffer.refCnt();
    }
}
