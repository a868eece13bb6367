package org.deskframe.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.deskframe.testing.ServerProcess;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * JSON logs as an option (docs/observability.md): a server in a child JVM (logging is the whole JVM's) started with
 * {@code logging.structured.format.console=logstash} writes one JSON object per line, and a value a client chose with
 * a newline and a forged entry in it stays inside its entry's message string.
 */
class StructuredLogsIntegrationTests {

    @Test
    void everyLineIsOneJsonObjectAndAForgedNewlineStaysInsideItsEntry() throws Exception {
        String forged = "2026-12-01T00:00:00.000Z  INFO 1 --- [deskframe] [main] o.d.forged : admin signed in";
        try (ServerProcess server = new ServerProcess(Files.createTempDirectory("deskframe-jsonlogs"), Map.of(
                "logging.structured.format.console", "logstash")).start()) {
            TestClient http = server.http();
            try (StreamClient ws = StreamClient.connect(server.base())) {
                ws.sendFrame("op", "authenticate", "token", http.agentToken("demo-backend", "agent1", "messaging:read messaging:write"),
                        "widget", "messaging", "embedOrigin", "x\n" + forged);
                JsonNode error = ws.next();
                assertThat(error.get("code").asString()).as(error.toString()).isEqualTo("origin.not_allowed");
            }
            await().atMost(Duration.ofSeconds(10)).alias("the refusal logged")
                    .until(() -> server.log(1).contains("handshake refused"));
            List<String> lines = server.log(1).lines().filter(l -> !l.isBlank()).toList();
            JsonNode refused = null;
            for (String line : lines) {
                assertThat(line).as("a line that is not the start of a JSON entry").startsWith("{");
                JsonNode entry = TestClient.JSON.readTree(line);
                assertThat(entry.has("@timestamp") && entry.has("level") && entry.has("message")).as(line).isTrue();
                if (entry.get("message").asString().contains("handshake refused")) refused = entry;
            }
            assertThat(refused).as("the refused handshake's entry").isNotNull();
            assertThat(refused.get("message").asString()).contains(forged);
            assertThat(lines).noneMatch(l -> l.startsWith(forged));
        }
    }
}
