package org.deskframe.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.deskframe.testing.PostgresServerTest;
import org.deskframe.testing.TestClient.Reply;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

/** Attachments on the scaled-out engine: V9 on PostgreSQL, the deployment's limits stored and applied, the log's reference read back. */
class AttachmentPostgresIntegrationTests extends PostgresServerTest {

    @Autowired
    ApplicationContext context;

    @Test
    void whenOnPostgresqlThenAFileGoesBothWaysAndTheDeploymentsLimitsApply() {
        AttachmentFixture f = new AttachmentFixture(http, context);
        AttachmentFixture.Chat chat = f.chat("agent1", Map.of("maxBytes", 4096, "allowedTypes", List.of("image/png")));
        byte[] png = AttachmentFixture.png(8);
        Reply up = f.upload(chat.conversation(), chat.guestToken(), "photo.png", "application/pdf", png);
        assertThat(up.status()).as(up.body()).isEqualTo(201);
        String id = up.json().get("attachment").get("id").asString();
        HttpResponse<byte[]> down = f.download(chat.conversation(), id, chat.agentToken());
        assertThat(down.statusCode()).isEqualTo(200);
        assertThat(down.body()).isEqualTo(png);

        assertThat(f.upload(chat.conversation(), chat.guestToken(), "x.pdf", "image/png", AttachmentFixture.PDF).json()
                .get("code").asString()).isEqualTo("attachment.type_not_allowed");
        assertThat(f.upload(chat.conversation(), chat.guestToken(), "big.png", "image/png", AttachmentFixture.png(64)).json()
                .get("code").asString()).isEqualTo("attachment.too_large");
        Reply reply = f.upload(chat.conversation(), chat.agentToken(), "invoice.pdf", "text/plain", AttachmentFixture.PDF);
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);

        JsonNode history = http.get("/api/v2/conversations/" + chat.conversation() + "/messages", chat.guestToken()).json();
        assertThat(history.get("messages").valueStream().filter(m -> m.has("attachment"))
                .map(m -> m.get("attachment").get("type").asString()).toList()).containsExactly("image/png", "application/pdf");
        JsonNode deployment = http.get(AttachmentFixture.DEPLOYMENTS + "/" + chat.deployment(), http.clientToken("demo-admin", "admin")).json();
        assertThat(deployment.get("attachments").get("maxBytes").asLong()).isEqualTo(4096);
        assertThat(deployment.get("attachments").get("allowedTypes").get(0).asString()).isEqualTo("image/png");
    }
}
