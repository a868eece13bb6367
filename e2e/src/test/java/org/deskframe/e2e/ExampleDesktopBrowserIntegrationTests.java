package org.deskframe.e2e;

import static org.deskframe.e2e.EmbeddedWidgets.messaging;
import static org.deskframe.e2e.EmbeddedWidgets.awaitState;
import static org.deskframe.e2e.EmbeddedWidgets.awaitTrue;
import static org.deskframe.e2e.EmbeddedWidgets.error;
import static org.deskframe.e2e.EmbeddedWidgets.send;
import static org.deskframe.e2e.EmbeddedWidgets.status;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.FrameLocator;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.deskframe.e2e.Browser.AgentPage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real example agent desktop ({@code examples/agent-desktop}) in headless Chromium, as a person uses it: sign in
 * on its login page, let its page embed the widgets with EmbeddingClient (tokens from its own
 * {@code POST /api/access-token}, behind its session cookie and CSRF header), and message another agent signed in
 * in another browser context. The platform allows the desktop's origin the way {@code ./run.sh} does
 * ({@code deskframe.demo.desktop-url}); a second desktop instance on a port the platform does not list plays the
 * desktop deployed on an origin nobody added to the OAuth client.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExampleDesktopBrowserIntegrationTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Platform platform;
    private ExampleDesktop desktop;
    private ExampleDesktop unlisted;
    private Browser browser;

    @BeforeAll
    void start() {
        PlaywrightAssertions.setDefaultAssertionTimeout(15_000);
        int desktopPort = Platform.freePort();
        String desktopOrigin = "http://localhost:" + desktopPort;
        platform = new Platform(desktopOrigin, Map.of(
                "deskframe.demo.desktop-url", desktopOrigin,
                "deskframe.demo.extra-origins", "",
                "deskframe.gateway.max-connections-per-agent", "50"));
        desktop = new ExampleDesktop(platform.base(), desktopPort);
        assertThat(desktop.origin()).isEqualTo(desktopOrigin);
        int unlistedPort;
        do {
            unlistedPort = Platform.freePort();
        } while (unlistedPort == desktopPort || unlistedPort == platform.port);
        unlisted = new ExampleDesktop(platform.base(), unlistedPort);
        browser = new Browser();
    }

    @AfterAll
    void stop() {
        if (browser != null) browser.close();
        if (unlisted != null) unlisted.close();
        if (desktop != null) desktop.close();
        if (platform != null) platform.close();
    }

    @Test
    void twoAgentsSignInToTheExampleDesktopInTwoBrowsersAndMessageEachOtherBothWays() throws Exception {
        List<Response> tokenResponses = new CopyOnWriteArrayList<>();
        try (AgentPage one = signIn(desktop.origin(), "agent1", tokenResponses); AgentPage two = signIn(desktop.origin(), "agent2", tokenResponses)) {
            awaitState(one.page(), "messaging", "ready");
            awaitState(two.page(), "messaging", "ready");
            for (AgentPage p : List.of(one, two)) {
                assertThat(p.page().locator("#widget-status [data-widget=messaging] .state")).hasAttribute("data-state", "ready");
                assertThat(messaging(p.page()).locator("#df-connection")).hasText("Connected");
                awaitState(p.page(), "voice", "ready");
                awaitState(p.page(), "video", "ready");
            }
            assertThat(agentOf(one.page())).isEqualTo("agent1");
            assertThat(agentOf(two.page())).isEqualTo("agent2");

            FrameLocator m1 = messaging(one.page());
            FrameLocator m2 = messaging(two.page());
            m1.locator("#df-new-agents").fill("agent2");
            m1.locator("#df-new-subject").fill("Refund for order 981");
            m1.locator("#df-new-subject").press("Enter");
            assertThat(m1.locator("#df-title")).hasText("Refund for order 981");
            send(m1, "Hi agent2, can you take the refund for order 981?");

            Locator atTwo = m2.locator("button.df-conversation", new FrameLocator.LocatorOptions().setHasText("Refund for order 981"));
            assertThat(atTwo).isVisible();
            atTwo.click();
            assertThat(message(m2, "Hi agent2, can you take the refund for order 981?")).isVisible();

            send(m2, "Sure agent1, taking it now.");
            assertThat(message(m1, "Sure agent1, taking it now.")).isVisible();
            send(m1, "Thanks!");
            assertThat(message(m2, "Thanks!")).isVisible();
            assertThat(message(m1, "Hi agent2, can you take the refund for order 981?").locator(".df-receipt")).hasText("✓✓ read");

            assertThat(one.page().evaluate("() => deskframe.ready.then(s => s.messaging.state)")).isEqualTo("ready");
            AccessibilityAudit.assertNoSeriousFindings(one.page(), "the example desktop, messaging between two agents");

            // Every token the desktop's backend handed its pages stays out of the console (debug is on for both).
            List<String> tokens = new ArrayList<>();
            for (Response r : tokenResponses) {
                if (r.status() != 200) continue;
                try {
                    tokens.add(JSON.readTree(r.text()).get("access_token").asString());
                } catch (PlaywrightException gone) {
                    // A response of the page before the ?debug=1 navigation: Chromium no longer has its body.
                }
            }
            assertThat(tokens).isNotEmpty();
            assertThat(one.console()).anyMatch(l -> l.startsWith("[deskframe ") && l.contains("token obtained"));
            for (AgentPage p : List.of(one, two)) {
                for (String line : p.console()) {
                    for (String token : tokens) assertThat(line).as("a console line contains an access token").doesNotContain(token);
                }
            }

            Path png = Path.of("target", "screenshots", "example-desktop.png");
            one.page().screenshot(new Page.ScreenshotOptions().setPath(png));
            assertThat(Files.size(png)).isPositive();
            Path committed = docs().resolve("images/desktop.png");
            if (Boolean.getBoolean("deskframe.docs.write") || !Files.exists(committed)) {
                // The README's screenshot comes from the real desktop; like every generated doc it is rewritten on
                // request only, so a build does not dirty the work tree.
                Files.createDirectories(committed.getParent());
                Files.copy(png, committed, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    @Test
    void theExampleDesktopServedFromAnOriginNotOnTheClientsAllowlistIsRefusedWithOriginNotAllowed() {
        String origin = unlisted.origin();
        try (AgentPage page = signIn(origin, "agent1", new CopyOnWriteArrayList<>())) {
            awaitState(page.page(), "messaging", "error");
            Map<String, Object> error = error(page.page(), "messaging");
            assertThat(error).containsEntry("code", "origin.not_allowed").containsEntry("origin", origin);
            String message = (String) error.get("message");
            String hint = (String) error.get("hint");
            assertThat(message).startsWith("The page origin '" + origin + "' is not allowed to embed widgets for OAuth client demo-backend");
            assertThat(hint).contains("Add '" + origin + "'");
            assertThat(page.page().evaluate("() => deskframe.ready.then(() => 'resolved', e => e.code)")).isEqualTo("origin.not_allowed");

            // What the person at the desktop sees, once: the panel EmbeddingClient puts where the widgets would be (the
            // client refuses before mounting any widget iframe) with the message, the fix and the code; the status card
            // names the state and the code only; the desktop's notice stays hidden.
            Locator panel = page.page().locator("#widgets .deskframe-error-panel");
            assertThat(panel.locator("h2")).hasText("These widgets cannot start");
            assertThat(panel.locator(".df-error-widgets")).hasText("Widgets: messaging, voice, video, supervisor");
            assertThat(panel.locator(".df-error-message")).hasText(message);
            assertThat(panel.locator(".df-error-hint")).hasText("Fix: " + hint);
            assertThat(panel.locator(".df-error-code")).hasText("Error code: origin.not_allowed");
            Locator line = page.page().locator("#widget-status [data-widget=messaging] .state");
            assertThat(line).hasAttribute("data-state", "error");
            assertThat(line).hasText("cannot start (origin.not_allowed)");
            assertThat(page.page().locator("#notice")).isHidden();
            assertThat(page.page().getByText(message)).hasCount(1);
            assertThat(page.page().locator("iframe")).hasCount(0);
            AccessibilityAudit.assertNoSeriousFindings(page.page(), "the example desktop with an error");
        }
    }

    @Test
    void whenTheDesktopRefusesItsTokenEndpointAfterASignOutInAnotherTabARefreshReportsProviderFailed() {
        try (AgentPage page = signIn(desktop.origin(), "agent1", new CopyOnWriteArrayList<>())) {
            awaitState(page.page(), "messaging", "ready");
            String session = (String) status(page.page(), "messaging").get("session");
            page.page().evaluate("() => { window.errors = []; deskframe.on('error', e => window.errors.push(e.error)); }");

            // Another tab of the same browser: sign out, and in again (a new desktop session, so the first tab's CSRF
            // token no longer matches and the desktop's /api/access-token refuses it with 403).
            Page other = page.context().newPage();
            other.navigate(desktop.origin() + "/");
            other.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out")).click();
            assertThat(other).hasURL(desktop.origin() + "/login");
            fillLogin(other, "agent1");
            assertThat(other).hasURL(desktop.origin() + "/");

            page.page().evaluate("() => deskframe.refreshToken()");
            awaitTrue(page.page(), "() => window.errors.length > 0");
            @SuppressWarnings("unchecked")
            Map<String, Object> error = (Map<String, Object>) page.page().evaluate("() => window.errors[0]");
            assertThat(error).containsEntry("code", "provider.failed");
            // The desktop backend's own answer, passed through as the cause, with its code and its hint.
            assertThat((String) error.get("message")).isEqualTo("The token provider (getAccessToken) threw: csrf: The desktop"
                    + " backend could not get a token: Missing or wrong X-CSRF-Token header, or a foreign origin.");
            assertThat((String) error.get("hint")).isEqualTo("Call this endpoint from the desktop page with the CSRF token it was given.");
            assertThat(page.page().locator("#notice")).containsText("Fix: Call this endpoint from the desktop page");
            // The live session keeps its current token meanwhile: the refusal does not tear the widget down.
            assertThat(status(page.page(), "messaging")).containsEntry("state", "ready").containsEntry("session", session);
        }
    }

    @Test
    void whileTheGatewayIsUnreachableTheDesktopsCardSaysReconnectingNotReady() {
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(false);
        List<com.microsoft.playwright.WebSocketRoute> live = new CopyOnWriteArrayList<>();
        try (AgentPage p = browser.open(desktop.origin() + "/", page -> page.context().routeWebSocket(
                Pattern.compile(".*/api/v2/stream$"), ws -> {
                    if (down.get()) {
                        ws.close(new com.microsoft.playwright.WebSocketRoute.CloseOptions().setCode(1011));
                    } else {
                        ws.connectToServer();
                        live.add(ws);
                    }
                }))) {
            fillLogin(p.page(), "agent2");
            awaitState(p.page(), "messaging", "ready");
            Locator card = p.page().locator("#widget-status [data-widget=messaging] .state");
            assertThat(card).hasText("ready");

            down.set(true);
            for (var ws : live) ws.close(new com.microsoft.playwright.WebSocketRoute.CloseOptions().setCode(1011));
            awaitState(p.page(), "messaging", "reconnecting");
            assertThat(card).hasAttribute("data-state", "reconnecting");
            assertThat(card).containsText("reconnecting, next attempt ");

            down.set(false);
            awaitState(p.page(), "messaging", "ready");
            assertThat(card).hasText("ready");
        }
    }

    @Test
    void thePlatformsFrontDoorLeadsASignInToTheFrontPageAndEveryPagePassesTheAudit() throws Exception {
        try (AgentPage p = browser.openForAudit(platform.base() + "/", page -> { })) {
            Page page = p.page();
            assertThat(page.locator("h1")).hasText("Deskframe at " + platform.base());
            assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("The example agent desktop")))
                    .hasAttribute("href", desktop.origin());
            AccessibilityAudit.assertNoSeriousFindings(page, "the platform's front page");
            WidgetStatesBrowserIntegrationTests.screenshot(page, "front-page.png");

            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Sign in").setExact(true)).click();
            assertThat(page.locator("h1")).hasText("Sign in to Deskframe");
            page.getByLabel("Username").fill("agent1");
            page.getByLabel("Password").fill("wrong");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
            assertThat(page.locator("[role=alert]")).containsText("The username or password is wrong.");
            assertThat(page.locator("[role=alert]")).containsText("Error code: signin.failed");
            AccessibilityAudit.assertNoSeriousFindings(page, "the sign-in page with an error");
            WidgetStatesBrowserIntegrationTests.screenshot(page, "sign-in.png");

            page.getByLabel("Username").fill("agent1");
            page.getByLabel("Password").fill(ExampleDesktop.password("agent1"));
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
            assertThat(page).hasURL(platform.base() + "/");
            assertThat(page.locator("header")).containsText("Signed in as agent1");

            page.navigate(platform.base() + "/oauth2/authorize");
            assertThat(page.locator("[role=alert]")).containsText("Error code: request.invalid");
            AccessibilityAudit.assertNoSeriousFindings(page, "an error page");
            page.navigate(platform.base() + "/docs/embedding.md");
            assertThat(page.locator("h1")).hasText("Embedding Deskframe widgets");
            AccessibilityAudit.assertNoSeriousFindings(page, "a documentation page");
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    /** A fresh browser context (its own cookie jar) signed in to the desktop at {@code origin} through its login page. */
    private AgentPage signIn(String origin, String user, List<Response> tokenResponses) {
        AgentPage p = browser.openForAudit(origin + "/", page -> page.onResponse(r -> {
            if (r.url().endsWith("/api/access-token")) tokenResponses.add(r);
        }));
        assertThat(p.page()).hasURL(origin + "/login");
        AccessibilityAudit.assertNoSeriousFindings(p.page(), "the example desktop's sign-in page");
        fillLogin(p.page(), user);
        assertThat(p.page()).hasURL(origin + "/");
        assertThat(p.page().locator("header .who")).containsText("Signed in as " + user);
        // The desktop's debug switch, as a person would add it: every step of EmbeddingClient in the console.
        p.page().navigate(origin + "/?debug=1");
        return p;
    }

    private static void fillLogin(Page page, String user) {
        page.getByLabel("Username").fill(user);
        page.getByLabel("Password").fill(ExampleDesktop.password(user));
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
    }

    private static Locator message(FrameLocator m, String text) {
        // Whole text (Pattern.quote's \Q...\E has no JavaScript equivalent, so escape by hand).
        String escaped = text.replaceAll("[\\\\^$.|?*+()\\[\\]{}]", "\\\\$0");
        Locator exactText = m.locator(".df-text", new FrameLocator.LocatorOptions().setHasText(Pattern.compile("^" + escaped + "$")));
        return m.locator(".df-message:not(.df-pending)", new FrameLocator.LocatorOptions().setHas(exactText));
    }

    @SuppressWarnings("unchecked")
    private static String agentOf(Page page) {
        return (String) ((Map<String, Object>) status(page, "messaging").get("agent")).get("username");
    }

    private static Path docs() {
        String configured = System.getProperty("deskframe.docs");
        return configured != null ? Path.of(configured) : Path.of("..", "docs");
    }
}
