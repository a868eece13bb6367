package org.deskframe.testing;

import java.time.Duration;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * How a fault driver's client gets (back) into the gateway after any failure, as a widget does: a token (obtained
 * again when a handshake is refused with a {@code token.*} code, what the 41xx close codes tell a client), a new
 * socket through {@code base} (a node or the balancer), {@code authenticate} with the positions to resume from, and
 * {@code ready}. Every error code it is shown is counted; the last failed attempts are kept for a failure message.
 */
public final class GatewayReconnect {

    private final String base;
    private final String widget;
    private final String embedOrigin;
    private final String tokenField;
    private final Function<TestClient, TestClient.Reply> tokenRequest;
    /** Every error code the server answered with (token requests, handshakes, commands), with how often. */
    public final Map<String, Integer> errors = new ConcurrentHashMap<>();
    /** The last attempts that did not reach {@code ready}, with what went wrong. */
    public final Deque<String> failedAttempts = new ConcurrentLinkedDeque<>();
    /** When set, the next {@link #open} uses the token this gives (once) instead of its own. */
    public volatile Supplier<String> nextToken;
    /** When the last handshake succeeded (System.nanoTime). */
    public final AtomicLong lastReadyAt = new AtomicLong();
    public volatile int connections;
    private String token;
    // Through an L4 balancer a keep-alive connection stays on one node: after a refusal, the next request goes on a new
    // connection (a node that refuses every token request, its clock off, would otherwise be the only one asked).
    private TestClient tokens;

    /**
     * @param widget       the widget the session is for ({@code messaging}, {@code messenger})
     * @param embedOrigin  the embedding page's origin the handshake names (the messenger's), or null
     * @param tokenField   the field of {@code tokenRequest}'s JSON answer that holds the token
     * @param tokenRequest obtains a token over the given HTTP client (answer 200 or 201 with the token)
     */
    public GatewayReconnect(String base, String widget, String embedOrigin, String tokenField,
                            Function<TestClient, TestClient.Reply> tokenRequest) {
        this.base = base;
        this.widget = widget;
        this.embedOrigin = embedOrigin;
        this.tokenField = tokenField;
        this.tokenRequest = tokenRequest;
        this.tokens = new TestClient(base);
    }

    /** An agent's messaging session through the demo backend's trusted-backend grant. */
    public static GatewayReconnect agent(String base, String username, String scopes) {
        return new GatewayReconnect(base, "messaging", null, "access_token",
                http -> http.agentTokenReply("demo-backend", username, scopes));
    }

    /** Counts an error code the client was shown. */
    public void shown(String code) {
        errors.merge(code, 1, Integer::sum);
    }

    /**
     * One attempt: a session that answered {@code ready} (resuming {@code resume}'s conversations from their
     * positions), or null once what went wrong is recorded and 200 ms have passed.
     */
    public StreamClient open(Map<String, Long> resume) throws InterruptedException {
        StreamClient ws = null;
        try {
            var given = nextToken;
            if (given != null) {
                nextToken = null;
                token = given.get();
            }
            if (token == null) {
                TestClient.Reply r = tokenRequest.apply(tokens);
                if (r.status() != 200 && r.status() != 201) {
                    shown(r.body().contains("\"code\"") ? r.json().get("code").asString() : "(none) " + r.status());
                    failedAttempt("token request answered " + r.status());
                    tokens = new TestClient(base);
                    Thread.sleep(200);
                    return null;
                }
                token = r.json().get(tokenField).asString();
            }
            ws = embedOrigin != null ? StreamClient.connect(base, base) : StreamClient.connect(base);
            Map<String, Object> frame = new LinkedHashMap<>();
            frame.put("op", "authenticate");
            frame.put("token", token);
            frame.put("widget", widget);
            if (embedOrigin != null) frame.put("embedOrigin", embedOrigin);
            if (!resume.isEmpty()) frame.put("resume", resume);
            ws.send(TestClient.JSON.writeValueAsString(frame));
            JsonNode ready = ws.poll(Duration.ofSeconds(5));
            if (ready != null && "ready".equals(ready.get("op").asString())) {
                connections++;
                lastReadyAt.set(System.nanoTime());
                return ws;
            }
            failedAttempt(ready == null ? "no ready within 5 s" : "first frame " + ready);
            if (ready != null && "error".equals(ready.get("op").asString())) {
                String code = ready.get("code").asString();
                shown(code);
                // As the catalogue's close codes say (41xx): this token will not do; obtain another.
                if (code.startsWith("token.")) token = null;
            }
        } catch (RuntimeException e) {
            // a node restarting, the balancer without a node yet
            failedAttempt(e.toString());
        }
        if (ws != null) ws.abort();
        Thread.sleep(200);
        return null;
    }

    /**
     * Session after session while {@code more} holds: each opened with {@code resume}'s positions (read anew each
     * time) and served by {@code serve} until it returns or the socket fails (a node killed or restarting), then
     * dropped; the next one resumes.
     */
    public void serveWhile(java.util.function.BooleanSupplier more, Supplier<Map<String, Long>> resume,
                           java.util.function.Consumer<StreamClient> serve) throws InterruptedException {
        while (more.getAsBoolean()) {
            StreamClient ws = open(resume.get());
            if (ws == null) continue;
            try {
                serve.accept(ws);
            } catch (RuntimeException socketGone) {
                // reconnect and resume
            } finally {
                ws.abort();
            }
        }
    }

    /** Whether a token is pending from {@link #nextToken}. */
    public boolean tokenPending() {
        return nextToken != null;
    }

    private void failedAttempt(String what) {
        failedAttempts.addLast(java.time.LocalTime.now() + " " + what);
        while (failedAttempts.size() > 8) failedAttempts.pollFirst();
    }
}
