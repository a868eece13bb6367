package org.deskframe.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.deskframe.messaging.Conversation;
import org.deskframe.messaging.ConversationLog;
import org.deskframe.messaging.Participant;
import org.deskframe.messaging.internal.ConversationLogFixture;
import org.deskframe.storage.SyncedH2Files;
import org.flywaydb.core.Flyway;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Durable messages per second through the server's own group-commit log (the class the gateway's {@code send}
 * goes through), on the server's Flyway schema, on H2 (a file database, as the embedded default) or on the local
 * PostgreSQL (a schema of its own, dropped afterwards). Each JMH thread is one sender that waits for its ack (the
 * commit) before sending again, as a gateway session does with its client's send; messages go round-robin to
 * {@code conversations} conversations. One operation = one message acknowledged after commit.
 *
 * <pre>java -jar bench/target/benchmarks.jar GroupCommitLog -p db=h2,h2-nosync,h2-delayed,postgres -t 64 -f 1 -wi 2 -i 3</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
@Threads(64)
public class GroupCommitLogBenchmark {

    /**
     * {@code h2}: the embedded default (every commit written through to the disk, {@code dsync:} with
     * {@code WRITE_DELAY=0}); {@code h2-nosync}: written to the file at each commit but left in the OS's page cache
     * (survives the process dying, not power loss); {@code h2-delayed}: H2's own default (500 ms write delay, what
     * Deskframe used before: loses acknowledged commits when the process dies), for comparison only;
     * {@code postgres}: the local PostgreSQL with its own settings.
     */
    @Param({"h2", "postgres"})
    public String db;

    @Param({"100"})
    public int conversations;

    /** PostgreSQL to use for {@code db=postgres} (the one this machine kind runs; trust authentication). */
    static final String POSTGRES_URL = System.getProperty("bench.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");

    private HikariDataSource dataSource;
    private Path h2Dir;
    private String schema;
    ConversationLogFixture.Running running;
    ConversationLog log;
    List<Conversation> convs;
    final AtomicInteger next = new AtomicInteger();
    final AtomicLong events = new AtomicLong();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        HikariConfig hc = new HikariConfig();
        hc.setMaximumPoolSize(4);
        if ("postgres".equals(db)) {
            schema = "bench_log_" + Long.toHexString(System.nanoTime());
            hc.setJdbcUrl(POSTGRES_URL);
            hc.setUsername(System.getProperty("bench.postgres.user", "postgres"));
            try (var c = java.sql.DriverManager.getConnection(POSTGRES_URL, hc.getUsername(), "");
                 var s = c.createStatement()) {
                s.execute("create schema " + schema);
            }
            hc.setSchema(schema);
        } else {
            h2Dir = Files.createTempDirectory("deskframe-log-bench");
            SyncedH2Files.register();
            String file = h2Dir.resolve("deskframe").toAbsolutePath().toString();
            hc.setJdbcUrl(switch (db) {
                case "h2" -> "jdbc:h2:" + SyncedH2Files.SCHEME + ":" + file + ";WRITE_DELAY=0";
                case "h2-nosync" -> "jdbc:h2:file:" + file + ";WRITE_DELAY=0";
                case "h2-delayed" -> "jdbc:h2:file:" + file + ";WRITE_DELAY=500";
                default -> throw new IllegalArgumentException("db must be h2, h2-nosync, h2-delayed or postgres: " + db);
            });
            hc.setUsername("sa");
        }
        dataSource = new HikariDataSource(hc);
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        JdbcClient jdbc = JdbcClient.create(dataSource);
        convs = new ArrayList<>();
        Participant a = Participant.agent("bench-a");
        Participant b = Participant.agent("bench-b");
        Instant now = Instant.now();
        for (int i = 0; i < conversations; i++) {
            String id = "c_bench_" + i;
            jdbc.sql("insert into conversations (id, org_id, subject, state, last_seq, created_at) values (?, 'demo', null, 'open', 0, ?)")
                    .params(id, Timestamp.from(now)).update();
            for (Participant p : List.of(a, b)) {
                // The log stores a send only from a participant the database holds.
                jdbc.sql("insert into conversation_participants (conversation_id, kind, participant_id, joined_at, delivered_seq, read_seq) "
                        + "values (?, ?, ?, ?, 0, 0)").params(id, p.kind().label(), p.id(), Timestamp.from(now)).update();
            }
            convs.add(new Conversation(id, "demo", null, "open", 0, List.of(a, b), now));
        }
        running = ConversationLogFixture.start(dataSource, e -> events.incrementAndGet());
        log = running.log();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        running.close();
        if (schema != null) {
            try (var c = dataSource.getConnection(); var s = c.createStatement()) {
                s.execute("drop schema " + schema + " cascade");
            }
        }
        dataSource.close();
        if (h2Dir != null) {
            try (var files = Files.walk(h2Dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Benchmark
    public ConversationLog.Appended append() {
        Conversation c = convs.get(Math.floorMod(next.getAndIncrement(), convs.size()));
        return log.append(c, c.participants().get(0), UUID.randomUUID().toString(), "a short chat line of about fifty characters").join();
    }
}
