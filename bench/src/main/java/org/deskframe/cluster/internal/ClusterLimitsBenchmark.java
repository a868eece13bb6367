package org.deskframe.cluster.internal;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.deskframe.cluster.ClusterLimits;
import org.deskframe.cluster.ClusterSettings;
import org.deskframe.cluster.PresenceView;
import org.deskframe.cluster.PrincipalKey;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one node's cluster calls cost over the local Redis ({@code 127.0.0.1:6379}, a namespace of its own, removed
 * afterwards), or in memory: a token-bucket take (a send rate), a slot taken and given back (the per-agent connection
 * limit on a handshake and a close), a presence read. Publishing is not measured: it returns before Redis answers.
 * Each JMH thread is a caller waiting for its answer, as a gateway session's virtual thread does. One operation = one
 * call.
 *
 * <pre>java -jar bench/target/benchmarks.jar ClusterLimits -p store=redis,memory -t 1 -f 1 -wi 2 -i 3
 * java -jar bench/target/benchmarks.jar ClusterLimits -p store=redis -t 8 -f 1 -wi 2 -i 3</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
@Threads(1)
public class ClusterLimitsBenchmark {

    @Param({"redis", "memory"})
    public String store;

    /** Redis to use for {@code store=redis}. */
    static final String REDIS_URL = System.getProperty("bench.redis.url", "redis://127.0.0.1:6379");

    String namespace;
    NodeRegistry registry;
    NodeLimits limits;
    NodePresence presence;
    AbstractBus bus;
    private RedisLink link;
    private RedisClient client;
    private ClientResources resources;
    final AtomicLong next = new AtomicLong();
    final List<PrincipalKey> agents = java.util.stream.IntStream.range(0, 1000).mapToObj(i -> PrincipalKey.agent("a" + i)).toList();

    @Setup
    public void setUp() {
        namespace = "bench-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        ClusterSettings s = new ClusterSettings("redis".equals(store) ? REDIS_URL : null, "bench", namespace, null, null, null,
                null, null, null, null);
        if (s.clustered()) {
            resources = ClusterConfiguration.clientResources(s);
            client = ClusterConfiguration.redisClient(resources, s);
            link = new RedisLink(client, s);
            link.start();
            if (!link.isUp()) throw new IllegalStateException("Redis at " + REDIS_URL + " is not reachable");
            bus = new RedisBus(link, s);
            registry = ClusterConfiguration.registry(link, s);
        } else {
            MemoryHub hub = new MemoryHub(Clock.systemUTC(), s.localEntries());
            bus = new MemoryBus(hub, s);
            registry = new NodeRegistry(s.nodeId(), hub, s, false, Clock.systemUTC(), e -> { });
        }
        bus.start();
        registry.start();
        limits = new NodeLimits(registry);
        presence = new NodePresence(registry);
        for (int i = 0; i < agents.size(); i++) presence.register(agents.get(i), "s" + i);
    }

    @TearDown
    public void tearDown() {
        registry.stop();
        bus.stop();
        if (link != null) {
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                List<String> keys = c.sync().keys(RedisState.keyPrefix(namespace) + "*");
                if (!keys.isEmpty()) c.sync().del(keys.toArray(new String[0]));
            }
            link.stop();
            client.shutdown();
            resources.shutdown();
        }
    }

    /** A send-rate check: one agent's bucket of 1,000 agents, a rate no caller reaches (every take allowed). */
    @Benchmark
    public ClusterLimits.Rate take() {
        return limits.tryTake("sends:agent:a" + (next.incrementAndGet() % 1000), 1_000_000, 1_000_000);
    }

    /** A handshake's slot and the close that gives it back. */
    @Benchmark
    public ClusterLimits.Lease acquireAndRelease() {
        String holder = "h" + next.incrementAndGet();
        String key = "connections:agent:a" + (next.get() % 1000);
        ClusterLimits.Lease lease = limits.tryAcquire(key, holder, 10);
        limits.release(key, holder);
        return lease;
    }

    @Benchmark
    public PresenceView lookup() {
        return presence.lookup(agents.get((int) (next.incrementAndGet() % agents.size())));
    }
}
