package org.deskframe.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.deskframe.testing.AttachmentDisk;
import org.deskframe.testing.ServerInstance;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient;
import org.deskframe.testing.TestClient.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A full attachment disk, for real (docs/faults.md, "A full attachment disk"): the attachment directory of a server of
 * its own is a 2 MiB tmpfs, filled up to ENOSPC. An upload is refused with attachment.unavailable's full-disk variant
 * (503) and leaves no file behind; messages and earlier attachments keep working; once space is freed uploads work
 * again. Mounting needs root (as here and in CI): run as another user, the test is skipped, saying so.
 */
class AttachmentDiskFullIntegrationTests {

    static AttachmentDisk disk;
    static ServerInstance server;
    static TestClient http;

    @BeforeAll
    static void start() throws Exception {
        String why = AttachmentDisk.unavailable();
        Assumptions.assumeTrue(why == null, () -> why + ", so skipped");
        try {
            disk = AttachmentDisk.mount("2m");
        } catch (IOException e) {
            Assumptions.abort(e.getMessage() + ", so skipped");
        }
        server = new ServerInstance(Files.createTempDirectory("deskframe-attachment-data"),
                Map.of("deskframe.messaging.attachments.directory", disk.directory.toString())).start();
        http = server.http();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.close();
        if (disk != null) disk.close();
    }

    @Test
    void whenTheAttachmentDiskIsFullThenUploadsAreRefusedSayingSoAndEverythingElseWorksUntilSpaceReturns() throws Exception {
        AttachmentFixture f = new AttachmentFixture(http, server.context());
        AttachmentFixture.Chat chat = f.chat("agent1", null);
        byte[] earlier = AttachmentFixture.png(64);
        Reply first = f.upload(chat.conversation(), chat.guestToken(), "earlier.png", "image/png", earlier);
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        String earlierId = first.json().get("attachment").get("id").asString();

        Path filler = disk.fill();
        assertThat(disk.usableSpace()).as("the disk is full").isLessThan(64 * 1024);
        long seqBefore = lastSeq(chat);
        byte[] photo = AttachmentFixture.png(200);
        Reply refused = f.upload(chat.conversation(), chat.guestToken(), "photo.png", "image/png", photo, "text", "see photo");
        assertThat(refused.status()).as(refused.body()).isEqualTo(503);
        JsonNode problem = refused.json();
        assertThat(problem.get("code").asString()).isEqualTo("attachment.unavailable");
        assertThat(problem.get("message").asString()).contains("photo.png").contains("the attachment store's disk is full");
        assertThat(problem.get("hint").asString()).contains("deskframe.messaging.attachments.directory")
                .contains("messages and earlier files keep working");
        assertThat(problem.toString()).as("no server path reaches the client").doesNotContain(disk.directory.toString());
        assertThat(files(disk.directory)).as("no partial file is left").containsExactlyInAnyOrder(earlierId, filler.getFileName().toString());
        assertThat(lastSeq(chat)).as("nothing was posted").isEqualTo(seqBefore);

        // Messages go on (the database is elsewhere), and the earlier file is still served.
        try (StreamClient agent = StreamClient.connect(server.base())) {
            agent.authenticate(chat.agentToken(), "messaging");
            agent.sendFrame("op", "send", "id", "m1", "conversation", chat.conversation(), "clientMessageId", "full-disk-1",
                    "text", "please send it again later");
            JsonNode ack = agent.next(m -> "m1".equals(m.path("id").asString()), java.time.Duration.ofSeconds(10));
            assertThat(ack.get("op").asString()).as(ack.toString()).isEqualTo("ack");
            assertThat(ack.get("seq").asLong()).isEqualTo(seqBefore + 1);
        }
        HttpResponse<byte[]> down = f.download(chat.conversation(), earlierId, chat.agentToken());
        assertThat(down.statusCode()).isEqualTo(200);
        assertThat(down.body()).isEqualTo(earlier);

        // Space returns: the same upload works.
        disk.free();
        Reply again = f.upload(chat.conversation(), chat.guestToken(), "photo.png", "image/png", photo, "text", "see photo");
        assertThat(again.status()).as(again.body()).isEqualTo(201);
        HttpResponse<byte[]> back = f.download(chat.conversation(), again.json().get("attachment").get("id").asString(), chat.agentToken());
        assertThat(back.body()).isEqualTo(photo);
        assertThat(lastSeq(chat)).isEqualTo(seqBefore + 2);
    }

    static List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    long lastSeq(AttachmentFixture.Chat chat) {
        return http.get("/api/v2/conversations/" + chat.conversation() + "/messages", chat.agentToken()).json().get("lastSeq").asLong();
    }
}
