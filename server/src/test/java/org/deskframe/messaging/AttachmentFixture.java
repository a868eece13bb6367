package org.deskframe.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.deskframe.testing.TestClient;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * What the attachment tests share: a customer's conversation (a real guest session on a deployment of its own, then
 * an agent added as routing adds one on accept), multipart uploads and raw downloads.
 */
public final class AttachmentFixture {

    public static final String DEPLOYMENTS = "/api/v2/admin/orgs/demo/messenger-deployments";
    public static final String RW = "messaging:read messaging:write";

    private final TestClient http;
    private final ApplicationContext context;
    private final HttpClient client = HttpClient.newHttpClient();

    public AttachmentFixture(TestClient http, ApplicationContext context) {
        this.http = http;
        this.context = context;
    }

    /** A customer in conversation with {@code agentUsername} (null: none yet): token, conversation, origin, deployment. */
    public record Chat(String guestToken, String conversation, String origin, String deployment, String agentToken) {}

    public Chat chat(String agentUsername, Map<String, Object> deploymentAttachments) {
        return chat(agentUsername, deploymentAttachments, null);
    }

    /** The same, the customer giving {@code customerName} in the pre-chat form (null: no form, no name). */
    public Chat chat(String agentUsername, Map<String, Object> deploymentAttachments, String customerName) {
        String origin = "https://shop-" + UUID.randomUUID().toString().substring(0, 8) + ".example";
        String dep = "att-" + UUID.randomUUID().toString().substring(0, 12);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", dep);
        body.put("name", "Attachments " + dep);
        body.put("allowedOrigins", List.of(origin));
        body.put("queue", "demo-support");
        if (deploymentAttachments != null) body.put("attachments", deploymentAttachments);
        if (customerName != null) body.put("prechatFields", List.of("name"));
        TestClient.Reply created = http.send("POST", DEPLOYMENTS, http.clientToken("demo-admin", "admin"),
                TestClient.JSON.writeValueAsString(body));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        HttpRequest session = HttpRequest.newBuilder(URI.create(http.base() + "/api/v2/guest/sessions"))
                .POST(HttpRequest.BodyPublishers.ofString(customerName == null ? "{\"deployment\":\"" + dep + "\"}"
                        : TestClient.JSON.writeValueAsString(Map.of("deployment", dep, "prechat", Map.of("name", customerName)))))
                .header("Content-Type", "application/json").header("Origin", origin).build();
        TestClient.Reply s = http.send(session);
        assertThat(s.status()).as(s.body()).isEqualTo(201);
        String conversation = s.json().get("conversation").asString();
        // Without an agent the conversation waits in its queue, as a new customer's does.
        if (agentUsername == null) return new Chat(s.json().get("token").asString(), conversation, origin, dep, null);
        String agentToken = http.agentToken("demo-backend", agentUsername, RW);
        String agentId = http.get("/api/v2/tokens/me", agentToken).json().get("agent").get("id").asString();
        context.getBean(Conversations.class).addParticipant(conversation, Participant.agent(agentId));
        return new Chat(s.json().get("token").asString(), conversation, origin, dep, agentToken);
    }

    public TestClient.Reply upload(String conversation, String token, String fileName, String declaredType, byte[] bytes,
                                   String... fields) {
        String boundary = "----deskframe" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int i = 0; i + 1 < fields.length; i += 2) {
            write(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fields[i] + "\"\r\n\r\n" + fields[i + 1] + "\r\n");
        }
        write(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                + "\"\r\nContent-Type: " + declaredType + "\r\n\r\n");
        body.writeBytes(bytes);
        write(body, "\r\n--" + boundary + "--\r\n");
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http.base() + "/api/v2/conversations/" + conversation + "/attachments"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary);
        if (token != null) b.header("Authorization", "Bearer " + token);
        return http.send(b.build());
    }

    public HttpResponse<byte[]> download(String conversation, String attachmentId, String token) {
        try {
            return client.send(HttpRequest.newBuilder(URI.create(http.base() + "/api/v2/conversations/" + conversation
                            + "/attachments/" + attachmentId)).header("Authorization", "Bearer " + token).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode json(HttpResponse<byte[]> r) {
        return TestClient.JSON.readTree(new String(r.body(), StandardCharsets.UTF_8));
    }

    /** A PNG of noise (so its size grows with its sides), the same bytes for the same size. */
    public static byte[] png(int size) {
        try {
            BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
            java.util.Random noise = new java.util.Random(size);
            for (int x = 0; x < size; x++) for (int y = 0; y < size; y++) image.setRGB(x, y, noise.nextInt());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static final byte[] PDF = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".getBytes(StandardCharsets.US_ASCII);
    public static final byte[] HTML = "<!DOCTYPE html><html><body><script>fetch('/api/v2/tokens/me')</script></body></html>"
            .getBytes(StandardCharsets.UTF_8);

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }
}
