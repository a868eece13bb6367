package org.deskframe.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.deskframe.testing.DeskframeServerTest;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient.Reply;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Attachments over real HTTP and the real gateway: a customer's file reaches the agent as a message, the agent's file
 * reaches the customer; only participants can read them; limits, types and disguises are refused with their codes.
 */
class AttachmentIntegrationTests extends DeskframeServerTest {

    @Autowired
    ApplicationContext context;

    private AttachmentFixture files() {
        return new AttachmentFixture(http, context);
    }

    @Test
    void whenTheCustomerSendsAnImageThenTheAgentReceivesItsMessageAndDownloadsTheSameBytesInert() {
        AttachmentFixture f = files();
        AttachmentFixture.Chat chat = f.chat("agent1", null);
        byte[] png = AttachmentFixture.png(8);
        try (StreamClient agent = StreamClient.connect(BASE)) {
            agent.authenticate(chat.agentToken(), "messaging");
            // Declared as HTML: the declaration is ignored, the bytes decide.
            Reply up = f.upload(chat.conversation(), chat.guestToken(), "receipt photo.png", "text/html", png,
                    "clientMessageId", "c-att-1", "text", "here is the damage");
            assertThat(up.status()).as(up.body()).isEqualTo(201);
            JsonNode attachment = up.json().get("attachment");
            assertThat(attachment.get("type").asString()).isEqualTo("image/png");
            assertThat(attachment.get("size").asLong()).isEqualTo(png.length);
            assertThat(attachment.get("name").asString()).isEqualTo("receipt photo.png");
            long seq = up.json().get("message").get("seq").asLong();

            JsonNode pushed = agent.next(m -> "message".equals(m.path("op").asString()) && m.has("attachment"), java.time.Duration.ofSeconds(10));
            assertThat(pushed.get("seq").asLong()).as(pushed.toString()).isEqualTo(seq);
            assertThat(pushed.get("text").asString()).isEqualTo("here is the damage");
            assertThat(pushed.get("attachment").get("id").asString()).isEqualTo(attachment.get("id").asString());

            HttpResponse<byte[]> r = f.download(chat.conversation(), attachment.get("id").asString(), chat.agentToken());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(png);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("image/png");
            assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(r.headers().firstValue("Content-Disposition").orElseThrow())
                    .startsWith("attachment;").contains("filename*=UTF-8''receipt%20photo.png");
            assertThat(r.headers().firstValue("Cache-Control").orElseThrow()).contains("private").contains("no-store");
            assertThat(r.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("sandbox");
        }
        // History carries the reference, so a reload shows the file too.
        JsonNode history = http.get("/api/v2/conversations/" + chat.conversation() + "/messages", chat.guestToken()).json();
        assertThat(history.get("messages").valueStream().filter(m -> m.has("attachment")).count()).isEqualTo(1);
    }

    @Test
    void whenTheAgentRepliesWithAFileThenTheCustomerReceivesItOverTheGatewayAndCanDownloadIt() {
        AttachmentFixture f = files();
        AttachmentFixture.Chat chat = f.chat("agent1", null);
        try (StreamClient customer = StreamClient.connect(BASE, BASE)) {
            customer.sendFrame("op", "authenticate", "id", "auth", "token", chat.guestToken(), "widget", "messenger",
                    "embedOrigin", chat.origin());
            assertThat(customer.nextOp("ready")).isNotNull();
            Reply up = f.upload(chat.conversation(), chat.agentToken(), "invoice.pdf", "application/octet-stream",
                    AttachmentFixture.PDF);
            assertThat(up.status()).as(up.body()).isEqualTo(201);
            String id = up.json().get("attachment").get("id").asString();
            JsonNode pushed = customer.next(m -> "message".equals(m.path("op").asString()) && m.has("attachment"), java.time.Duration.ofSeconds(10));
            assertThat(pushed.get("attachment").get("type").asString()).isEqualTo("application/pdf");
            assertThat(pushed.get("attachment").get("name").asString()).isEqualTo("invoice.pdf");
            assertThat(pushed.get("sender").get("kind").asString()).isEqualTo("agent");
            HttpResponse<byte[]> r = f.download(chat.conversation(), id, chat.guestToken());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(AttachmentFixture.PDF);
        }
    }

    @Test
    void whenSomeoneOutsideTheConversationAsksThenTheAnswerIsTheNotFoundOfWhatDoesNotExist() {
        AttachmentFixture f = files();
        AttachmentFixture.Chat chat = f.chat("agent1", null);
        Reply up = f.upload(chat.conversation(), chat.guestToken(), "a.png", "image/png", AttachmentFixture.png(4));
        String id = up.json().get("attachment").get("id").asString();
        AttachmentFixture.Chat otherGuest = f.chat("agent1", null);

        HttpResponse<byte[]> unknown = f.download(chat.conversation(), "att_doesnotexist", chat.agentToken());
        JsonNode expected = AttachmentFixture.json(unknown);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(expected.get("code").asString()).isEqualTo("resource.not_found");
        for (String outsider : new String[]{
                http.agentToken("demo-backend", "agent2", AttachmentFixture.RW),           // same org, not a participant
                http.agentToken("acme-backend", "acme-agent1", AttachmentFixture.RW),      // another org
                otherGuest.guestToken()}) {                                                 // another customer
            HttpResponse<byte[]> r = f.download(chat.conversation(), id, outsider);
            assertThat(r.statusCode()).isEqualTo(404);
            JsonNode body = AttachmentFixture.json(r);
            assertThat(body.get("code").asString()).isEqualTo("resource.not_found");
            assertThat(body.get("message").asString()).isEqualTo("Attachment " + id + " of conversation " + chat.conversation() + " not found.");
            assertThat(r.body()).isNotEqualTo(AttachmentFixture.png(4));
            // Nor may they post into it.
            assertThat(f.upload(chat.conversation(), outsider, "b.png", "image/png", AttachmentFixture.png(4)).status()).isEqualTo(404);
        }
        // The same answer for an attachment id that exists, but in another conversation.
        assertThat(f.download(otherGuest.conversation(), id, otherGuest.guestToken()).statusCode()).isEqualTo(404);
    }

    @Test
    void whenTheFileIsOverTheDeploymentsLimitThenItIsRefusedWith413NamingTheLimitAndNothingIsPosted() {
        AttachmentFixture f = files();
        AttachmentFixture.Chat chat = f.chat("agent1", Map.of("maxBytes", 200));
        long before = lastSeq(chat);
        Reply r = f.upload(chat.conversation(), chat.guestToken(), "big.png", "image/png", AttachmentFixture.png(64));
        assertThat(r.status()).as(r.body()).isEqualTo(413);
        assertThat(r.json().get("code").asString()).isEqualTo("attachment.too_large");
        assertThat(r.json().get("message").asString()).contains("200 bytes").contains("messenger deployment " + chat.deployment());
        assertThat(r.json().get("hint").asString()).contains("messenger-deployments/" + chat.deployment());
        assertThat(lastSeq(chat)).isEqualTo(before);
        // The agent's limit is the platform's (10 MiB): the same file goes through from the agent.
        assertThat(f.upload(chat.conversation(), chat.agentToken(), "big.png", "image/png", AttachmentFixture.png(64)).status())
                .isEqualTo(201);
    }

    @Test
    void whenTheTypeIsNotAllowedByTheDeploymentThenItIsRefusedWith415NamingTheAllowedTypes() {
        AttachmentFixture f = files();
        AttachmentFixture.Chat chat = f.chat("agent1", Map.of("allowedTypes", java.util.List.of("image/*")));
        Reply r = f.upload(chat.conversation(), chat.guestToken(), "invoice.pdf", "image/png", AttachmentFixture.PDF);
        assertThat(r.status()).as(r.body()).isEqualTo(415);
        assertThat(r.json().get("code").asString()).isEqualTo("attachment.type_not_allowed");
        assertThat(r.json().get("message").asString()).contains("application/pdf");
        assertThat(r.json().get("hint").asString()).contains("image/*");
        assertThat(f.upload(chat.conversation(), chat.guestToken(), "ok.png", "image/png", AttachmentFixture.png(4)).status()).isEqualTo(201);
    }

    @Test
    void whenHtmlIsDisguisedAsAPngThenItIsRefusedAndNeverServed() {
        AttachmentFixture f = files();
        AttachmentFixture.Chat chat = f.chat("agent1", null);
        long before = lastSeq(chat);
        Reply r = f.upload(chat.conversation(), chat.guestToken(), "cute-cat.png", "image/png", AttachmentFixture.HTML);
        assertThat(r.status()).as(r.body()).isEqualTo(415);
        assertThat(r.json().get("code").asString()).isEqualTo("attachment.type_not_allowed");
        assertThat(r.json().get("message").asString()).contains("text/html").contains("cute-cat.png");
        assertThat(lastSeq(chat)).isEqualTo(before);
        assertThat(new String(r.body().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).doesNotContain("<script>");
    }

    @Test
    void whenTheSameUploadIsRetriedWithItsClientMessageIdThenTheFirstStandsAndNothingIsPostedTwice() {
        AttachmentFixture f = files();
        AttachmentFixture.Chat chat = f.chat("agent1", null);
        Reply first = f.upload(chat.conversation(), chat.guestToken(), "a.png", "image/png", AttachmentFixture.png(4), "clientMessageId", "retry-1");
        Reply again = f.upload(chat.conversation(), chat.guestToken(), "a.png", "image/png", AttachmentFixture.png(4), "clientMessageId", "retry-1");
        assertThat(first.status()).isEqualTo(201);
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().get("duplicate").asBoolean()).isTrue();
        assertThat(again.json().get("attachment").get("id").asString()).isEqualTo(first.json().get("attachment").get("id").asString());
        assertThat(again.json().get("message").get("seq").asLong()).isEqualTo(first.json().get("message").get("seq").asLong());
    }

    @Test
    void whenTheRequestHasNoFilePartOrNoTokenThenItSaysWhatIsMissing() {
        AttachmentFixture f = files();
        AttachmentFixture.Chat chat = f.chat("agent1", null);
        Reply noToken = f.upload(chat.conversation(), null, "a.png", "image/png", AttachmentFixture.png(4));
        assertThat(noToken.status()).isEqualTo(401);
        assertThat(noToken.json().get("code").asString()).isEqualTo("token.missing");
        Reply json = http.send("POST", "/api/v2/conversations/" + chat.conversation() + "/attachments", chat.agentToken(), "{}");
        assertThat(json.status()).as(json.body()).isEqualTo(400);
        assertThat(json.json().get("code").asString()).isEqualTo("request.invalid");
        assertThat(json.json().get("message").asString()).contains("application/json").contains("multipart/form-data");
        Reply empty = f.upload(chat.conversation(), chat.agentToken(), "empty.txt", "text/plain", new byte[0]);
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.json().get("message").asString()).contains("empty");
    }

    @Test
    void whenADeploymentsLimitsAreWrongThenRequestInvalidNamesTheFieldAndTheApiDocumentShowsBothOperations() {
        String admin = http.clientToken("demo-admin", "admin");
        for (var bad : java.util.List.of(Map.of("maxBytes", 0), Map.of("maxBytes", 200L * 1024 * 1024),
                Map.of("allowedTypes", java.util.List.of("Image/PNG")))) {
            Reply r = http.send("POST", AttachmentFixture.DEPLOYMENTS, admin, tools.jackson.databind.json.JsonMapper.builder().build()
                    .writeValueAsString(Map.of("id", "att-bad-" + System.nanoTime() % 100000, "name", "x",
                            "allowedOrigins", java.util.List.of("https://bad.example"), "queue", "demo-support", "attachments", bad)));
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.json().get("code").asString()).isEqualTo("request.invalid");
            assertThat(r.json().get("message").asString()).contains("attachments.");
        }
        JsonNode paths = http.get("/v3/api-docs", null).json().get("paths");
        assertThat(paths.get("/api/v2/conversations/{id}/attachments").get("post").get("operationId").asString()).isEqualTo("sendAttachment");
        assertThat(paths.get("/api/v2/conversations/{id}/attachments/{attachmentId}").get("get").get("operationId").asString())
                .isEqualTo("getAttachment");
    }

    private long lastSeq(AttachmentFixture.Chat chat) {
        return http.get("/api/v2/conversations/" + chat.conversation() + "/messages", chat.agentToken()).json().get("lastSeq").asLong();
    }
}
