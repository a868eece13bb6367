package org.deskframe.testing;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.deskframe.messaging.AttachmentFixture;

/**
 * A customer of the fault suite who sends a file every {@code every} straight to one node (whose attachment disk the
 * suite fills and frees): its guest session from the messenger's path, then one upload after another, each answer
 * logged ({@link Upload}). {@link #unreadable()} downloads every stored one again and compares the bytes.
 */
public final class AttachmentUploader implements Runnable {

    /** One upload: when it was answered (System.nanoTime), its status (-1: no answer), the error code, what was stored. */
    public record Upload(long at, int status, String code, String attachment, byte[] bytes) {}

    private final String base;
    private final String origin;
    private final String deployment;
    private final Duration every;
    public final List<Upload> uploads = new CopyOnWriteArrayList<>();
    private volatile String token;
    private volatile String conversation;
    private String resume;
    public volatile boolean stop;
    public volatile Throwable failure;

    public AttachmentUploader(String base, String origin, String deployment, Duration every) {
        this.base = base;
        this.origin = origin;
        this.deployment = deployment;
        this.every = every;
    }

    /** A guest session (new, or resumed with its credential for a new token). */
    private boolean session(TestClient http) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("deployment", deployment);
        if (resume != null) body.put("resume", resume);
        TestClient.Reply r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v2/guest/sessions"))
                .POST(HttpRequest.BodyPublishers.ofString(TestClient.JSON.writeValueAsString(body)))
                .header("Content-Type", "application/json").header("Origin", origin).build());
        if (r.status() != 201) return false;
        conversation = r.json().get("conversation").asString();
        resume = r.json().get("resume").asString();
        token = r.json().get("token").asString();
        return true;
    }

    @Override
    public void run() {
        int n = 0;
        try {
            while (!stop) {
                TestClient http = new TestClient(base);
                try {
                    if (token == null && !session(http)) {
                        uploads.add(new Upload(System.nanoTime(), -1, "session refused", null, null));
                    } else if (token != null) {
                        // distinct files: noise of a different size each time (~5-20 KB)
                        byte[] png = AttachmentFixture.png(40 + (n++ % 40));
                        TestClient.Reply r = new AttachmentFixture(http, null).upload(conversation, token, "photo-" + n + ".png",
                                "image/png", png, "text", "photo " + n);
                        String code = r.status() == 201 ? null : r.json().path("code").asString(null);
                        String id = r.status() == 201 ? r.json().get("attachment").get("id").asString() : null;
                        uploads.add(new Upload(System.nanoTime(), r.status(), code, id, png));
                        if (code != null && code.startsWith("token.")) token = null;
                    }
                } catch (RuntimeException unanswered) {
                    // the node is down or paused: tried again
                    uploads.add(new Upload(System.nanoTime(), -1, unanswered.getClass().getSimpleName(), null, null));
                }
                Thread.sleep(every.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure = t;
        }
    }

    /** Stored uploads whose download now is not byte for byte what was sent (or fails). */
    public List<String> unreadable() {
        List<String> bad = new ArrayList<>();
        AttachmentFixture files = new AttachmentFixture(new TestClient(base), null);
        for (Upload u : uploads) {
            if (u.attachment() == null) continue;
            var down = files.download(conversation, u.attachment(), token);
            if (down.statusCode() != 200 || !Arrays.equals(down.body(), u.bytes())) bad.add(u.attachment() + " " + down.statusCode());
        }
        return bad;
    }

    /** Answers by status and code between two instants (System.nanoTime): "201", "503 attachment.unavailable", ... */
    public Map<String, Integer> answers(long from, long to) {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        for (Upload u : uploads) {
            if (u.at() < from || u.at() >= to) continue;
            counts.merge(u.status() + (u.code() == null ? "" : " " + u.code()), 1, Integer::sum);
        }
        return counts;
    }

    /** The first stored upload answered after {@code from} (System.nanoTime), or 0. */
    public long firstStoredAfter(long from) {
        return uploads.stream().filter(u -> u.at() > from && u.status() == 201).mapToLong(Upload::at).min().orElse(0);
    }
}
