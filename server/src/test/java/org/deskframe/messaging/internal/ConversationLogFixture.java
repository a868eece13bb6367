package org.deskframe.messaging.internal;

import javax.sql.DataSource;
import org.deskframe.messaging.ConversationLog;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The server's own group-commit log over a data source a tool supplies (the benchmarks' H2 or PostgreSQL), without a
 * Spring context; {@link Running#close()} stops its writer. Part of the server's test-fixtures jar.
 */
public final class ConversationLogFixture {

    private ConversationLogFixture() {}

    /** A started log; closing it stops its writer. */
    public static final class Running implements AutoCloseable {
        private final GroupCommitLog log;

        private Running(GroupCommitLog log) {
            this.log = log;
        }

        public ConversationLog log() {
            return log;
        }

        @Override
        public void close() throws InterruptedException {
            log.stop();
        }
    }

    public static Running start(DataSource dataSource, ApplicationEventPublisher events) {
        GroupCommitLog log = new GroupCommitLog(JdbcClient.create(dataSource), new JdbcTemplate(dataSource),
                new TransactionTemplate(new JdbcTransactionManager(dataSource)), events, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        return new Running(log);
    }
}
