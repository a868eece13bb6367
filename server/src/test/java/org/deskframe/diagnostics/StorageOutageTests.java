package org.deskframe.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/** What counts as the database being away (storage.unavailable) and what stays the server's own failure. */
class StorageOutageTests {

    @Test
    void connectionsThatCannotBeHadOrWereLostAreAnOutage() {
        // Hikari's timeout while PostgreSQL restarts, as Spring's transaction manager reports it.
        assertThat(StorageOutage.isCause(new CannotCreateTransactionException("no connection",
                new SQLTransientConnectionException("HikariPool-1 - Connection is not available, request timed out after 1000ms")))).isTrue();
        assertThat(StorageOutage.isCause(new CannotGetJdbcConnectionException("no connection"))).isTrue();
        // A connection the server cut (SQL state class 08) or a server shutting down (57P01), however deep.
        assertThat(StorageOutage.isCause(new IllegalStateException("send failed",
                new RuntimeException(new SQLException("An I/O error occurred while sending to the backend.", "08006"))))).isTrue();
        assertThat(StorageOutage.isCause(new SQLException("terminating connection due to administrator command", "57P01"))).isTrue();
        assertThat(StorageOutage.isCause(new SQLException("sorry, too many clients already", "53300"))).isTrue();
    }

    @Test
    void aRollbackThatFailedAfterAnOutageIsTheOutage() {
        // Seen in the fault suite: a close while PostgreSQL restarted; Hikari's closed connection refuses the rollback
        // (no SQL state), and Spring throws that instead of the outage, which it keeps as the application exception.
        TransactionSystemException rollback = new TransactionSystemException("JDBC rollback failed", new SQLException("Connection is closed"));
        rollback.initApplicationException(new SQLException("terminating connection due to administrator command", "57P01"));
        assertThat(StorageOutage.isCause(rollback)).isTrue();
        TransactionSystemException afterBug = new TransactionSystemException("JDBC rollback failed", new SQLException("Connection is closed"));
        afterBug.initApplicationException(new IllegalStateException("a bug"));
        assertThat(StorageOutage.isCause(afterBug)).isFalse();
    }

    @Test
    void bugsAndRefusalsAreNotAnOutage() {
        assertThat(StorageOutage.isCause(new BadSqlGrammarException("list", "select * from gone",
                new SQLException("relation \"gone\" does not exist", "42P01")))).isFalse();
        assertThat(StorageOutage.isCause(new DuplicateKeyException("duplicate"))).isFalse();
        assertThat(StorageOutage.isCause(new IllegalStateException("a bug"))).isFalse();
        assertThat(StorageOutage.isCause(new SQLException("no state"))).isFalse();
        assertThat(StorageOutage.isCause(null)).isFalse();
    }

    @Test
    void theProblemNamesWhatWasBeingHandled() {
        Problem outage = StorageOutage.problemFor(new CannotGetJdbcConnectionException("no connection"), "op 'send'");
        assertThat(outage.code()).isEqualTo("storage.unavailable");
        assertThat(outage.error().httpStatus()).isEqualTo(503);
        assertThat(outage.message()).isEqualTo("The platform's database did not answer while handling op 'send'; nothing of it was stored.");
        assertThat(outage.hint()).contains("same client message id");
        Problem bug = StorageOutage.problemFor(new IllegalStateException("a bug"), "/api/v2/x");
        assertThat(bug.code()).isEqualTo("server.internal");
        assertThat(StorageOutage.summary(new CannotCreateTransactionException("outer", new SQLException("inner", "08001"))))
                .isEqualTo("SQLException: inner");
    }
}
