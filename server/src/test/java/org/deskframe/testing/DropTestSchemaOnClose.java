package org.deskframe.testing;

import javax.sql.DataSource;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Drops {@link PostgresServerTest}'s schema when its shared context closes (destroyed before the DataSource it uses). */
@TestConfiguration(proxyBeanMethods = false)
class DropTestSchemaOnClose {
    @Bean
    DisposableBean dropTestSchema(DataSource dataSource) {
        return () -> JdbcClient.create(dataSource).sql("drop schema if exists " + PostgresServerTest.SCHEMA + " cascade").update();
    }
}
