package org.deskframe.identity.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The durable writes of token issuance, group-committed: the ledger rows of newly issued access tokens and the
 * assertions they used up, from every request that arrives while a commit is in flight, go into the next transaction
 * together, and each caller returns once the commit holding its rows is durable. So a token is still answered only
 * after its row (and its assertion, the replay guard) survives a crash, but concurrent tokens share one sync.
 */
@Component
class IssuanceGroupCommit {

    private static final Logger log = LoggerFactory.getLogger(IssuanceGroupCommit.class);
    /** A commit of 128 rows is still a few milliseconds; larger groups only delay the first caller's answer. */
    static final int MAX_BATCH = 128;
    /** Longer than any commit takes while the database answers; then the caller's request fails as the database's. */
    private static final Duration WAIT = Duration.ofSeconds(60);

    static final String INSERT_LEDGER_ROW =
            "insert into access_token_ledger (jti, authorization_id, client_id, subject, expires_at) values (?, ?, ?, ?, ?)";
    /** Inserts nothing (0 rows) when the assertion was used already, so a replay does not fail its whole group. */
    static final String INSERT_ASSERTION_UNLESS_USED = "insert into used_assertions (issuer, jti, expires_at) select ?, ?, ? "
            + "where not exists (select 1 from used_assertions where issuer = ? and jti = ?)";

    /** A newly issued access token's ledger row (its jti is new). */
    record IssuedToken(String jti, String authorizationId, String clientId, String subject, Instant expiresAt) {}

    /** A single-use assertion to mark as used: {@code issuer} is the namespace it is unique in. */
    record UsedAssertion(String issuer, String jti, Instant expiresAt) {}

    /** The assertion was used already (by a commit before, or earlier in the same group): nothing was written. */
    static final class AssertionAlreadyUsed extends RuntimeException {
        AssertionAlreadyUsed() {
            super(null, null, false, false);
        }
    }

    private record Pending(IssuedToken token, UsedAssertion assertion, CompletableFuture<Void> durable) {}

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>(10_000);
    private final Thread writer;
    private final Timer commits;
    private final IssuanceAdmission admission;
    private volatile boolean running = true;

    IssuanceGroupCommit(JdbcTemplate jdbc, TransactionTemplate tx, MeterRegistry metrics, IssuanceAdmission admission) {
        this.jdbc = jdbc;
        this.admission = admission;
        this.tx = tx;
        this.commits = Timer.builder("deskframe.identity.issuance.commits")
                .description("Group commits of token issuance (ledger rows and used assertions; each is one transaction)")
                .publishPercentileHistogram().register(metrics);
        this.writer = Thread.ofPlatform().name("token-issuance-writer").daemon(true).start(this::run);
    }

    /**
     * Writes the token's ledger row, and marks {@code assertion} (may be null) used, in the same commit; returns when
     * that commit is durable. Throws {@link AssertionAlreadyUsed} (and writes neither) for an assertion used before,
     * or the database's exception.
     */
    void commit(IssuedToken token, UsedAssertion assertion) {
        await(enqueue(new Pending(token, assertion, new CompletableFuture<>())));
    }

    /** Marks a single-use assertion used (a private_key_jwt client assertion): durable on return, or {@link AssertionAlreadyUsed}. */
    void useUp(UsedAssertion assertion) {
        await(enqueue(new Pending(null, assertion, new CompletableFuture<>())));
    }

    private CompletableFuture<Void> enqueue(Pending p) {
        if (!running || !queue.offer(p)) {
            p.durable().completeExceptionally(new IllegalStateException("token issuance is not accepting writes (shutting down or overloaded)"));
        }
        return p.durable();
    }

    private void await(CompletableFuture<Void> durable) {
        admission.leave(); // what is left of the request is a wait for the disk, then the response
        try {
            durable.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            // The writer's exception as it is (a DataAccessException keeps its meaning: storage.unavailable, replay).
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new org.springframework.dao.QueryTimeoutException("token issuance did not commit within " + WAIT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for token issuance to commit", e);
        }
    }

    private void run() {
        List<Pending> group = new ArrayList<>(MAX_BATCH);
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                group.add(first);
                queue.drainTo(group, MAX_BATCH - 1);
                commitGroup(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException | Error e) {
                log.error("token issuance writer failed a group", e);
                group.forEach(p -> p.durable().completeExceptionally(e));
            } finally {
                group.clear();
            }
        }
        Pending left;
        while ((left = queue.poll()) != null) left.durable().completeExceptionally(new IllegalStateException("shutting down"));
    }

    private void commitGroup(List<Pending> group) {
        long started = System.nanoTime();
        boolean[] used;
        try {
            used = tx.execute(status -> write(group));
            commits.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        } catch (RuntimeException groupFailed) {
            // A row that broke the group (a replay racing on another node, a database error) must not fail its
            // neighbours: each again in a transaction of its own.
            for (Pending p : group) {
                try {
                    boolean[] one = tx.execute(status -> write(List.of(p)));
                    complete(p, one[0]);
                } catch (RuntimeException e) {
                    p.durable().completeExceptionally(e);
                }
            }
            return;
        }
        for (int i = 0; i < group.size(); i++) complete(group.get(i), used[i]);
    }

    private static void complete(Pending p, boolean alreadyUsed) {
        if (alreadyUsed) p.durable().completeExceptionally(new AssertionAlreadyUsed());
        else p.durable().complete(null);
    }

    /**
     * Marks the group's assertions used first; a request whose assertion was used already writes no token row. Returns,
     * per request, whether its assertion was used already.
     */
    private boolean[] write(List<Pending> group) {
        boolean[] alreadyUsed = new boolean[group.size()];
        List<Integer> withAssertion = new ArrayList<>();
        List<Object[]> assertions = new ArrayList<>();
        for (int i = 0; i < group.size(); i++) {
            UsedAssertion a = group.get(i).assertion();
            if (a == null) continue;
            withAssertion.add(i);
            Timestamp expires = Timestamp.from(a.expiresAt());
            assertions.add(new Object[]{a.issuer(), a.jti(), expires, a.issuer(), a.jti()});
        }
        if (!assertions.isEmpty()) {
            int[] inserted = jdbc.batchUpdate(INSERT_ASSERTION_UNLESS_USED, assertions);
            for (int k = 0; k < inserted.length; k++) alreadyUsed[withAssertion.get(k)] = inserted[k] == 0;
        }
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < group.size(); i++) {
            IssuedToken t = group.get(i).token();
            if (t == null || alreadyUsed[i]) continue;
            rows.add(new Object[]{t.jti(), t.authorizationId(), t.clientId(), t.subject(), Timestamp.from(t.expiresAt())});
        }
        if (!rows.isEmpty()) jdbc.batchUpdate(INSERT_LEDGER_ROW, rows);
        return alreadyUsed;
    }

    @PreDestroy
    void stop() throws InterruptedException {
        running = false;
        writer.join(5_000);
    }
}
