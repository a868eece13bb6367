package org.deskframe.routing.internal;

import java.util.concurrent.ThreadLocalRandom;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionCallback;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Routing's transactions, run again when the database picked them as a deadlock's victim or gave up waiting for a
 * lock: nodes dispatching, closing and transferring at once take agents' rows in different orders, and PostgreSQL
 * resolves that by aborting one of them, which must then simply be retried. Only a transaction of its own is retried
 * (inside another one, the outer is aborted too and its caller decides); routing's callbacks only touch the database,
 * their pushes follow the commit.
 */
final class RetriedTransactions extends TransactionTemplate {

    static final int ATTEMPTS = 5;

    RetriedTransactions(PlatformTransactionManager transactions) {
        super(transactions);
    }

    @Override
    public <T> T execute(TransactionCallback<T> action) throws TransactionException {
        boolean nested = TransactionSynchronizationManager.isActualTransactionActive();
        for (int attempt = 1; ; attempt++) {
            try {
                return super.execute(action);
            } catch (PessimisticLockingFailureException lost) {
                if (nested || attempt == ATTEMPTS) throw lost;
                try {
                    Thread.sleep(ThreadLocalRandom.current().nextLong(2, 10L * attempt));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw lost;
                }
            }
        }
    }
}
