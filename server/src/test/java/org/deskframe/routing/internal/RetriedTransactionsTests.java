package org.deskframe.routing.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** A deadlock's victim is run again; other failures, and transactions inside another one, are not. */
class RetriedTransactionsTests {

    private final JdbcTransactionManager transactions = new JdbcTransactionManager(dataSource());

    private static JdbcDataSource dataSource() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:retried-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        return ds;
    }

    @Test
    void aTransactionAbortedForADeadlockIsRunAgainUntilItCommits() {
        AtomicInteger runs = new AtomicInteger();
        String result = new RetriedTransactions(transactions).execute(s -> {
            if (runs.incrementAndGet() < 3) throw new CannotAcquireLockException("deadlock detected");
            return "committed";
        });
        assertThat(result).isEqualTo("committed");
        assertThat(runs).hasValue(3);
    }

    @Test
    void itGivesUpAfterItsAttemptsAndNeverRetriesOtherFailures() {
        AtomicInteger runs = new AtomicInteger();
        assertThatThrownBy(() -> new RetriedTransactions(transactions).execute(s -> {
            runs.incrementAndGet();
            throw new CannotAcquireLockException("deadlock detected");
        })).isInstanceOf(CannotAcquireLockException.class);
        assertThat(runs).hasValue(RetriedTransactions.ATTEMPTS);

        AtomicInteger once = new AtomicInteger();
        assertThatThrownBy(() -> new RetriedTransactions(transactions).execute(s -> {
            once.incrementAndGet();
            throw new DataIntegrityViolationException("duplicate key");
        })).isInstanceOf(DataIntegrityViolationException.class);
        assertThat(once).hasValue(1);
    }

    @Test
    void insideAnotherTransactionTheFailureGoesToTheOuterOne() {
        AtomicInteger inner = new AtomicInteger();
        assertThatThrownBy(() -> new TransactionTemplate(transactions).executeWithoutResult(outer ->
                new RetriedTransactions(transactions).execute(s -> {
                    inner.incrementAndGet();
                    throw new CannotAcquireLockException("deadlock detected");
                }))).isInstanceOf(CannotAcquireLockException.class);
        assertThat(inner).hasValue(1);
    }
}
