package org.deskframe.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.DriverManager;
import org.junit.jupiter.api.Test;

/** The fault suite's own PostgreSQL: it starts, keeps what was committed through a fast restart, and stops. */
class PrivatePostgresTests {

    @Test
    void whatWasCommittedSurvivesAFastRestartOnTheSamePort() throws Exception {
        try (PrivatePostgres postgres = new PrivatePostgres().start()) {
            try (var c = DriverManager.getConnection(postgres.url(), "postgres", ""); var s = c.createStatement()) {
                s.execute("create table kept (n int)");
                s.execute("insert into kept values (42)");
            }
            postgres.restart();
            assertThat(postgres.accepts()).isTrue();
            try (var c = DriverManager.getConnection(postgres.url(), "postgres", ""); var s = c.createStatement();
                 var rs = s.executeQuery("select n from kept")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(42);
            }
            postgres.stop();
            assertThat(postgres.accepts()).isFalse();
        }
    }
}
