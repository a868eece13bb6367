package org.deskframe.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.JsonNode;

/**
 * One real widget handshake over the gateway WebSocket, as the widget would do it: connect (no Origin header, the
 * embedding page's origin goes in {@code embedOrigin}), send the authenticate frame, wait for ready or error.
 */
final class GatewayHandshake {

    /** The outcome: the ready frame, or the error frame (and close code), or what went wrong on the way. */
    record Result(JsonNode ready, JsonNode error, int closeCode, String failure) {
        boolean ok() {
            return ready != null;
        }
    }

    private GatewayHandshake() {}

    static Result run(HttpClient http, URI stream, String token, String widget, String embedOrigin, String org, Duration timeout) {
        CompletableFuture<JsonNode> firstFrame = new CompletableFuture<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket socket;
        try {
            socket = http.newWebSocketBuilder().connectTimeout(timeout).buildAsync(stream, new WebSocket.Listener() {
                private final StringBuilder partial = new StringBuilder();

                @Override
                public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    partial.append(data);
                    if (last) {
                        JsonNode frame = PlatformHttp.parse(partial.toString());
                        partial.setLength(0);
                        if (frame != null && "ping".equals(text(frame, "op"))) {
                            ws.sendText("{\"op\":\"pong\"}", true);
                        } else if (frame != null) {
                            firstFrame.complete(frame);
                        }
                    }
                    ws.request(1);
                    return null;
                }

                @Override
                public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                    closed.complete(statusCode);
                    firstFrame.complete(null);
                    return null;
                }

                @Override
                public void onError(WebSocket ws, Throwable error) {
                    closed.complete(1006);
                    firstFrame.completeExceptionally(error);
                }
            }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return new Result(null, null, 0, "the connection failed: " + PlatformHttp.describe(cause));
        }
        try {
            Map<String, Object> auth = new LinkedHashMap<>();
            auth.put("op", "authenticate");
            auth.put("id", "doctor-" + widget);
            auth.put("token", token);
            auth.put("widget", widget);
            if (embedOrigin != null) auth.put("embedOrigin", embedOrigin);
            if (org != null) auth.put("org", org);
            socket.sendText(PlatformHttp.JSON.writeValueAsString(auth), true).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            JsonNode frame = firstFrame.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (frame == null) {
                return new Result(null, null, closed.getNow(0), "the gateway closed the connection without answering");
            }
            if ("ready".equals(text(frame, "op"))) {
                return new Result(frame, null, 0, null);
            }
            int code = 0;
            try {
                code = closed.get(2, TimeUnit.SECONDS);
            } catch (TimeoutException ignored) {
                // The error frame is what matters; the close code is a bonus.
            }
            return new Result(null, frame, code, null);
        } catch (TimeoutException e) {
            return new Result(null, null, 0, "no answer to the authenticate frame within " + timeout.toSeconds() + " s");
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return new Result(null, null, closed.getNow(0), "the handshake failed: " + PlatformHttp.describe(cause));
        } finally {
            if (!socket.isOutputClosed()) {
                try {
                    socket.sendClose(WebSocket.NORMAL_CLOSURE, "doctor done").get(2, TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    socket.abort();
                }
            }
        }
    }

    static String text(JsonNode node, String field) {
        return node != null && node.hasNonNull(field) ? node.get(field).asString() : null;
    }
}
