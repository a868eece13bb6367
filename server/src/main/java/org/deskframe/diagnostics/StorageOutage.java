package org.deskframe.diagnostics;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.Map;
import java.util.Set;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Tells a database outage from the server's own failure, so that a client is told {@code storage.unavailable}
 * (retry, nothing was stored) rather than {@code server.internal} (a bug to report) when PostgreSQL restarts, fails
 * over or runs out of connections. Read from the exception's causes: Spring's translations of a connection that
 * could not be had or was lost, JDBC's connection exceptions, and the SQL states that say the same (class 08, a
 * server shutting down, too many connections).
 */
public final class StorageOutage {

    /** PostgreSQL: admin shutdown, crash shutdown, cannot connect now, too many connections. */
    private static final Set<String> OUTAGE_STATES = Set.of("57P01", "57P02", "57P03", "53300");

    private StorageOutage() {}

    /** True when {@code e} or one of its causes says the database could not be reached or stopped answering. */
    public static boolean isCause(Throwable e) {
        int depth = 0;
        for (Throwable t = e; t != null && depth < 32; t = t.getCause(), depth++) {
            if (t instanceof DataAccessResourceFailureException || t instanceof CannotCreateTransactionException
                    || t instanceof TransientDataAccessResourceException || t instanceof RecoverableDataAccessException
                    || t instanceof QueryTimeoutException || t instanceof SQLTransientConnectionException
                    || t instanceof SQLNonTransientConnectionException || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || OUTAGE_STATES.contains(sql.getSQLState()))) {
                return true;
            }
            // The rollback after an outage fails too (its connection is gone) and replaces the exception that said so.
            if (t instanceof TransactionSystemException rollback && rollback.getApplicationException() != null
                    && rollback.getApplicationException() != e && isCause(rollback.getApplicationException())) {
                return true;
            }
            if (t.getCause() == t) break;
        }
        return false;
    }

    /**
     * What a client is told of a failure the server had while handling {@code path} (an HTTP path, or "op 'send'"):
     * {@code storage.unavailable} for an outage, {@code server.internal} for anything else.
     */
    public static Problem problemFor(Throwable e, String path) {
        return Problem.of(isCause(e) ? ErrorCode.STORAGE_UNAVAILABLE : ErrorCode.SERVER_INTERNAL, Map.of("path", path));
    }

    /** The innermost cause's class and message, for a log line that names the outage without a stack trace. */
    public static String summary(Throwable e) {
        Throwable root = e;
        for (int i = 0; i < 32 && root.getCause() != null && root.getCause() != root; i++) root = root.getCause();
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
