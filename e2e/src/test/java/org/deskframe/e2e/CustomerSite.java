package org.deskframe.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;

/**
 * The demo customer site (examples/customer-site, the page run.sh serves) on an origin of its own, with the site.json
 * that points it at the platform under test and its messenger deployment.
 */
final class CustomerSite implements AutoCloseable {

    final int port;
    private final HttpServer server;
    private final String page;
    private volatile String siteJson = "{}";

    CustomerSite() throws IOException {
        page = Files.readString(Path.of("../examples/customer-site/index.html"));
        server = HttpServer.create(new InetSocketAddress(0), 64);
        port = server.getAddress().getPort();
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::serve);
        server.start();
    }

    void platform(String base, String deployment) {
        siteJson = "{\"env\": \"" + base + "\", \"deployment\": \"" + deployment + "\"}";
    }

    /** With the messenger's {@code calls} option (JSON), e.g. {@code {"candidateAddresses": ["127.0.0.1"]}}. */
    void platform(String base, String deployment, String callsJson) {
        siteJson = "{\"env\": \"" + base + "\", \"deployment\": \"" + deployment + "\", \"calls\": " + callsJson + "}";
    }

    String origin() {
        return "http://localhost:" + port;
    }

    private void serve(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        if (path.equals("/") || path.equals("/index.html")) respond(ex, "text/html; charset=utf-8", page);
        else if (path.equals("/site.json")) respond(ex, "application/json", siteJson);
        else {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        }
    }

    private static void respond(HttpExchange ex, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", type);
        ex.getResponseHeaders().add("Cache-Control", "no-store");
        ex.sendResponseHeaders(200, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
