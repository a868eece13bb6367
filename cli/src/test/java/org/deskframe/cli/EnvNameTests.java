package org.deskframe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The doctor's env rule passes the same cases as EmbeddingClient's (server/src/test/resources/env-rule.json). */
class EnvNameTests {

    private static JsonNode cases() throws IOException {
        try (InputStream in = EnvNameTests.class.getResourceAsStream("/env-rule.json")) {
            assertThat(in).as("env-rule.json from the server's test resources").isNotNull();
            return PlatformHttp.JSON.readTree(in);
        }
    }

    @Test
    void anEnvValueBecomesTheOriginEmbeddingClientWouldUse() throws IOException {
        for (JsonNode c : cases().get("origins")) {
            String expected = c.get("origin").isNull() ? null : c.get("origin").asString();
            assertThat(EnvName.origin(c.get("env").asString()).orElse(null)).as(c.toString()).isEqualTo(expected);
        }
    }

    @Test
    void theDeploymentIsNamedByTheOriginsItAnnouncesAndNothingElse() throws IOException {
        for (JsonNode c : cases().get("names")) {
            List<String> origins = null;
            if (!c.get("origins").isNull()) {
                origins = new ArrayList<>();
                for (JsonNode o : c.get("origins")) origins.add(o.asString());
            }
            String origin = EnvName.origin(c.get("env").asString()).orElseThrow();
            assertThat(EnvName.names(origin, c.get("issuer").asString(), origins)).as(c.toString())
                    .isEqualTo(c.get("accepted").asBoolean());
        }
    }
}
