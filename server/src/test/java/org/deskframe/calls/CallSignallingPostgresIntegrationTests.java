package org.deskframe.calls;

import org.deskframe.testing.PostgresSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The whole of {@link CallSignallingIntegrationTests} on PostgreSQL (the scaled-out engine), in a schema of its own. */
class CallSignallingPostgresIntegrationTests extends CallSignallingIntegrationTests {

    static PostgresSchema schema;

    @BeforeAll
    static void start() throws Exception {
        schema = PostgresSchema.named("deskframe_calls");
        startWith(schema.properties());
    }

    @AfterAll
    static void closeAndDropSchema() throws Exception {
        if (server != null) server.close();
        server = null;
        if (schema != null) schema.close();
    }
}
