package org.deskframe.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/**
 * A gateway client for tests over a real WebSocket (the JDK's): collects every server frame, and the close code
 * and reason, so tests can assert exactly what a widget would see.
 */
public class StreamClient implements AutoCloseable {

    private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<int[]> closed = new CompletableFuture<>();
    private volatile String closeReason;
    private final WebSocket socket;
    private final boolean autoPong;

    private StreamClient(String base, String origin, boolean autoPong) {
        this.autoPong = autoPong;
        WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (origin != null) b.header("Origin", origin);
        // Bounded like a real client's: an upgrade that no one answers (a node just paused or resumed behind a
        // balancer) is given up after 15 s and tried again, instead of waiting forever.
        WebSocket opened;
        try {
            opened = open(b, streamUri(base));
        } catch (java.util.concurrent.CompletionException e) {
            if (!(e.getCause() instanceof java.net.ConnectException)) throw e;
            // The gateway URL is cached per base, but tests start many servers on free ports: a later server may have
            // been given an earlier one's HTTP port with a gateway port of its own. Ask this base again, once.
            URI known = STREAMS.remove(base);
            URI now;
            try {
                now = streamUri(base);
            } catch (RuntimeException lookup) {
                throw e;
            }
            if (now.equals(known)) throw e;
            opened = open(b, now);
        }
        this.socket = opened;
    }

    private WebSocket open(WebSocket.Builder b, URI uri) {
        return b.buildAsync(uri, new Listener()).orTimeout(15, java.util.concurrent.TimeUnit.SECONDS).join();
    }

    private static final java.util.concurrent.ConcurrentHashMap<String, URI> STREAMS = new java.util.concurrent.ConcurrentHashMap<>();

    /** The gateway's URL as the platform at {@code base} announces it to widgets (the 'gateway' field of /embed/v1/env). */
    public static URI streamUri(String base) {
        return STREAMS.computeIfAbsent(base, b -> {
            TestClient.Reply env = new TestClient(b).get("/embed/v1/env", null);
            if (env.status() != 200) throw new IllegalStateException("GET " + b + "/embed/v1/env answered " + env.status());
            return URI.create(env.json().get("gateway").asString());
        });
    }

    public static StreamClient connect(String base) {
        return new StreamClient(base, null, true);
    }

    public static StreamClient connect(String base, String origin) {
        return new StreamClient(base, origin, true);
    }

    public static StreamClient connectWithoutPongs(String base) {
        return new StreamClient(base, null, false);
    }

    public StreamClient send(String json) {
        socket.sendText(json, true).join();
        return this;
    }

    public StreamClient sendFrame(Object... keyValues) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) m.put((String) keyValues[i], keyValues[i + 1]);
        return send(TestClient.JSON.writeValueAsString(m));
    }

    /** Authenticates and returns the ready frame (fails the test with the error frame otherwise). */
    public JsonNode authenticate(String token, String widget) {
        sendFrame("op", "authenticate", "id", "auth-1", "token", token, "widget", widget);
        JsonNode reply = next();
        if (!"ready".equals(reply.get("op").asString())) {
            throw new AssertionError("expected ready, got " + reply);
        }
        return reply;
    }

    /** The next frame other than ping, waiting up to 10 s. */
    public JsonNode next() {
        return next(f -> !"ping".equals(f.get("op").asString()), Duration.ofSeconds(30));
    }

    public JsonNode next(Predicate<JsonNode> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                JsonNode f = frames.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
                if (f == null) throw new AssertionError("no matching frame within " + timeout + (closed.isDone() ? " (socket closed: " + closeCode() + " " + closeReason + ")" : ""));
                if (match.test(f)) return f;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next frame that matches, or null if none arrives within {@code timeout} (to prove an absence). */
    public JsonNode nextWithin(Predicate<JsonNode> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return null;
            JsonNode f = poll(Duration.ofNanos(left));
            if (f == null) return null;
            if (match.test(f)) return f;
        }
    }

    /** The next frame, or null if none arrives within {@code timeout}. */
    public JsonNode poll(Duration timeout) {
        try {
            return frames.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    public JsonNode nextOp(String op) {
        return next(f -> op.equals(f.get("op").asString()), Duration.ofSeconds(30));
    }

    public List<JsonNode> drain() {
        List<JsonNode> out = new ArrayList<>();
        frames.drainTo(out);
        return out;
    }

    /** The close code, waiting up to 10 s for the server to close. */
    public int closeCode() {
        try {
            return closed.get(10, TimeUnit.SECONDS)[0];
        } catch (Exception e) {
            throw new AssertionError("the server did not close the socket", e);
        }
    }

    public String closeReason() {
        closeCode();
        return closeReason;
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    public void abort() {
        socket.abort();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(2, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                socket.abort();
            }
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                JsonNode f = TestClient.JSON.readTree(partial.toString());
                partial.setLength(0);
                if (autoPong && "ping".equals(f.get("op").asString())) {
                    ws.sendText("{\"op\":\"pong\"}", true);
                }
                frames.add(f);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closeReason = reason;
            closed.complete(new int[]{statusCode});
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closeReason = error.toString();
            closed.complete(new int[]{1006});
        }
    }
}
