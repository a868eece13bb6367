package org.deskframe.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.deskframe.e2e.EmbeddedWidgets.awaitState;
import static org.deskframe.e2e.EmbeddedWidgets.send;
import static org.deskframe.e2e.EmbeddedWidgets.status;

import com.microsoft.playwright.FrameLocator;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.deskframe.e2e.Browser.AgentPage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.ObjectMapper;

/**
 * What a page of another origin can do to the widgets, in real Chromium: frame a widget URL itself (frame-ancestors
 * refuses it; with the header stripped, as a misconfigured proxy would, the gateway's own embedOrigin check refuses the
 * session and the widget says why), and post forged messages into an allowed desktop (both sides drop them: exact
 * origin and source, never "*").
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileEmbeddingBrowserIntegrationTests {

    private AgentDesktop desktop;
    private Platform platform;
    private Browser browser;
    private HttpServer hostile;
    private final Map<String, String> hostilePages = new ConcurrentHashMap<>();

    @BeforeAll
    void start() throws Exception {
        PlaywrightAssertions.setDefaultAssertionTimeout(15_000);
        desktop = new AgentDesktop();
        platform = new Platform("http://localhost:" + desktop.port, Map.of("deskframe.gateway.max-connections-per-agent", "50"));
        desktop.platform(platform.base());
        hostile = HttpServer.create(new InetSocketAddress(0), 16);
        hostile.createContext("/", ex -> {
            byte[] body = hostilePages.getOrDefault(ex.getRequestURI().getPath(), "not here").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        hostile.start();
        // A response that Playwright's route fulfils (the proxy that strips a header, below) has no address, so Chromium
        // would count the widget page as public and block its socket to a local gateway: not what is tested here.
        browser = new Browser(List.of("--disable-features=LocalNetworkAccessChecks"));
    }

    @AfterAll
    void stop() {
        if (browser != null) browser.close();
        if (hostile != null) hostile.stop(0);
        if (desktop != null) desktop.close();
        if (platform != null) platform.close();
    }

    /** Another port is another origin (and the same address space, so Chromium's local-network checks stay out of it). */
    private String hostileOrigin() {
        return "http://localhost:" + hostile.getAddress().getPort();
    }

    private String widgetUrl(String parent) {
        return platform.base() + "/embed/v1/widgets/messaging?client=demo-backend&org=demo&parent="
                + java.net.URLEncoder.encode(parent, StandardCharsets.UTF_8);
    }

    /** A page that frames the widget URL itself and, when it says hello, hands it a real agent token (a stolen one). */
    private String framingPage(String token) {
        return "<!doctype html><title>Not a desktop</title><iframe id=w title=w width=600 height=400 src='" + widgetUrl(hostileOrigin())
                + "'></iframe><script>window.received = [];addEventListener('message', e => { window.received.push(e.data);"
                + " if (e.data && e.data.type === 'hello') document.getElementById('w').contentWindow.postMessage("
                + "{deskframe: 1, type: 'token', token: '" + token + "', org: 'demo'}, '" + platform.base() + "'); });</script>";
    }

    @Test
    void aPageOfAnotherOriginThatFramesAWidgetUrlGetsNoWidget() throws Exception {
        hostilePages.put("/frames-widget", framingPage(agentToken("agent1")));
        try (AgentPage page = browser.open(hostileOrigin() + "/frames-widget")) {
            // frame-ancestors: Chromium does not render the widget, so it never says hello and never gets the token.
            page.page().waitForTimeout(3_000);
            assertThat(page.page().evaluate("() => window.received.length")).isEqualTo(0);
            assertThat(page.page().frameLocator("#w").locator("#df-composer-text")).hasCount(0);
            assertThat(page.console()).anyMatch(line -> line.contains("frame-ancestors"));
        }
    }

    @Test
    void withFrameAncestorsStrippedTheGatewayStillRefusesTheSessionAndTheWidgetSaysWhy() throws Exception {
        hostilePages.put("/frames-widget-no-csp", framingPage(agentToken("agent1")));
        // A proxy that drops the widget page's Content-Security-Policy: the widget loads, gets a valid token...
        try (AgentPage page = browser.open(hostileOrigin() + "/frames-widget-no-csp", p -> p.context().route("**/embed/v1/widgets/**",
                route -> {
                    com.microsoft.playwright.APIResponse response = route.fetch();
                    Map<String, String> headers = new java.util.HashMap<>(response.headers());
                    headers.keySet().removeIf(name -> name.equalsIgnoreCase("content-security-policy"));
                    route.fulfill(new com.microsoft.playwright.Route.FulfillOptions().setResponse(response).setHeaders(headers));
                }))) {
            FrameLocator widget = page.page().frameLocator("#w");
            // ...and the gateway's check of embedOrigin refuses it, with the server's own words.
            Locator panel = widget.locator(".df-error");
            assertThat(panel).hasAttribute("data-code", "origin.not_allowed");
            assertThat(panel.locator(".df-error-message")).containsText("The page origin '" + hostileOrigin()
                    + "' is not allowed to embed widgets for OAuth client demo-backend");
            assertThat(panel.locator(".df-error-hint")).containsText("to the allowed embedding origins of OAuth client demo-backend");
            assertThat(widget.locator("#df-composer-text")).hasCount(0);
        }
    }

    @Test
    void forgedMessagesFromAThirdPartyFrameInsideAnAllowedDesktopAreDroppedByBothSides() throws Exception {
        // A third-party iframe in the desktop (an ad, a compromised plugin) posts to every frame and to its parent with "*".
        hostilePages.put("/forger", "<!doctype html><script>"
                + "const forged = [{deskframe: 1, type: 'token', token: 'forged.token.value', org: 'demo'},"
                + " {deskframe: 1, type: 'destroy'}, {deskframe: 1, type: 'refresh', token: 'forged.token.value'},"
                + " {deskframe: 1, widget: 'messaging', type: 'status', state: 'error', error: {code: 'token.revoked', message: 'forged'}},"
                + " {deskframe: 1, widget: 'messaging', type: 'event', name: 'message', detail: {text: 'forged'}}];"
                + "for (const m of forged) { parent.postMessage(m, '*'); for (let i = 0; i < parent.frames.length; i++) parent.frames[i].postMessage(m, '*'); }"
                + "document.title = 'sent';</script>");
        try (AgentPage one = browser.open(desktop.origin() + "/desktop?agent=agent1");
             AgentPage two = browser.open(desktop.origin() + "/desktop?agent=agent2")) {
            awaitState(one.page(), "messaging", "ready");
            awaitState(two.page(), "messaging", "ready");
            Object sessionBefore = status(one.page(), "messaging").get("session");
            one.page().evaluate("src => new Promise(done => { const f = document.createElement('iframe');"
                    + " f.src = src; f.title = 'third party'; f.onload = () => setTimeout(done, 1500); document.body.append(f); })",
                    hostileOrigin() + "/forger");

            // EmbeddingClient took nothing from it: still ready, same session, no error, no forged event.
            Map<String, Object> after = status(one.page(), "messaging");
            assertThat(after.get("state")).isEqualTo("ready");
            assertThat(after.get("session")).isEqualTo(sessionBefore);
            assertThat(after.get("error")).isNull();
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> events = (List<Map<String, Object>>) one.page().evaluate("() => window.events");
            assertThat(events).noneMatch(e -> String.valueOf(e).contains("forged"));
            // The widget took nothing either: not destroyed, not re-authenticated; it still talks.
            FrameLocator m1 = one.page().frameLocator("iframe[title='Deskframe messaging']");
            m1.locator("#df-new-agents").fill("agent2");
            m1.locator("#df-new-subject").fill("After forgery");
            m1.locator("#df-new-subject").press("Enter");
            assertThat(m1.locator("#df-title")).hasText("After forgery");
            send(m1, "still connected");
            assertThat(m1.locator(".df-message:not(.df-pending)", new FrameLocator.LocatorOptions().setHasText("still connected")))
                    .isVisible();
        }
    }

    @Test
    void aWidgetFramedUnderAnotherParentThanItsParentParameterTalksToNobody() throws Exception {
        // The desktop (an allowed origin) frames a widget URL that claims another parent: the widget believes the
        // browser's ancestor origin, not the parameter, so it is not embedded and posts nothing, to anyone.
        try (AgentPage one = browser.open(desktop.origin() + "/desktop?agent=agent1")) {
            awaitState(one.page(), "messaging", "ready");
            Object count = one.page().evaluate("src => new Promise(done => { let n = 0; const f = document.createElement('iframe');"
                    + " addEventListener('message', e => { if (e.source === f.contentWindow) n++; });"
                    + " f.src = src; f.title = 'claims another parent'; f.onload = () => setTimeout(() => done(n), 2500);"
                    + " document.body.append(f); })", widgetUrl(hostileOrigin()));
            assertThat(count).isEqualTo(0);
        }
    }

    private String agentToken(String agent) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(desktop.origin() + "/token?agent=" + agent))
                .build(), HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(r.body()).get("access_token").asString();
    }
}
