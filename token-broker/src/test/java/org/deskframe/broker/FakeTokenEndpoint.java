package org.deskframe.broker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** A token endpoint on the JDK's HttpServer whose answers a test scripts, recording every request it receives. */
final class FakeTokenEndpoint implements AutoCloseable {

    record Request(Map<String, String> params, String authorization) {}

    record Answer(int status, String body, Map<String, String> headers) {
        static Answer token(String value, long expiresIn) {
            return new Answer(200, "{\"access_token\":\"" + value + "\",\"token_type\":\"Bearer\",\"expires_in\":" + expiresIn
                    + ",\"scope\":\"messaging:read messaging:write\"}", Map.of());
        }

        static Answer json(int status, String body) {
            return new Answer(status, body, Map.of());
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Deque<Function<Request, Answer>> script = new ArrayDeque<>();
    private final AtomicInteger issued = new AtomicInteger();
    private volatile Function<Request, Answer> fallback = r -> Answer.token("token-" + issued.incrementAndGet(), 300);

    FakeTokenEndpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/oauth2/token", this::handle);
        server.start();
    }

    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    URI tokenUri() {
        return URI.create(base() + "/oauth2/token");
    }

    /** Answers the next request with this (in order), then falls back to issuing "token-N". */
    synchronized FakeTokenEndpoint then(Answer answer) {
        script.add(r -> answer);
        return this;
    }

    synchronized FakeTokenEndpoint then(Function<Request, Answer> answer) {
        script.add(answer);
        return this;
    }

    FakeTokenEndpoint otherwise(Function<Request, Answer> answer) {
        this.fallback = answer;
        return this;
    }

    List<Request> requests() {
        return requests;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        Request request = new Request(params, exchange.getRequestHeaders().getFirst("Authorization"));
        requests.add(request);
        Function<Request, Answer> next;
        synchronized (this) {
            next = script.isEmpty() ? fallback : script.poll();
        }
        Answer answer = next.apply(request);
        if (answer == null) { // drop the connection without answering: a network failure for the client
            exchange.close();
            return;
        }
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        exchange.sendResponseHeaders(answer.status(), bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
