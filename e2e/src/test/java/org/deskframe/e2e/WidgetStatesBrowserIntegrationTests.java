package org.deskframe.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.deskframe.e2e.EmbeddedWidgets.message;
import static org.deskframe.e2e.EmbeddedWidgets.messaging;
import static org.deskframe.e2e.EmbeddedWidgets.awaitState;
import static org.deskframe.e2e.EmbeddedWidgets.awaitTrue;
import static org.deskframe.e2e.EmbeddedWidgets.error;
import static org.deskframe.e2e.EmbeddedWidgets.send;
import static org.deskframe.e2e.EmbeddedWidgets.status;

import com.microsoft.playwright.FrameLocator;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.WebSocketRoute;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.deskframe.e2e.Browser.AgentPage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What a person sees in each state of the widgets, in real Chromium: the panel every widget container shows when a
 * pre-check fails before any iframe exists, env not answering, the token provider's cause, a lost connection, the
 * conversation list and receipts an agent can trust, safe links; and an axe-core audit of each of those states.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WidgetStatesBrowserIntegrationTests {

    private static final List<String> WIDGETS = List.of("messaging", "voice", "video");

    private AgentDesktop desktop;
    private Platform platform;
    private Browser browser;

    @BeforeAll
    void start() throws Exception {
        PlaywrightAssertions.setDefaultAssertionTimeout(15_000);
        desktop = new AgentDesktop();
        platform = new Platform("http://localhost:" + desktop.port, Map.of("deskframe.gateway.max-connections-per-agent", "50"));
        desktop.platform(platform.base());
        browser = new Browser();
    }

    @AfterAll
    void stop() {
        if (browser != null) browser.close();
        if (desktop != null) desktop.close();
        if (platform != null) platform.close();
    }

    // ---- a widget always shows why it cannot start --------------------------------------------------------------

    @Test
    void anOriginNotOnTheAllowlistShowsThePanelInEveryWidgetContainerAndNoIframe() throws Exception {
        try (AgentPage page = browser.openForAudit(desktop.unlistedOrigin() + "/desktop?agent=agent1", p -> { })) {
            Map<String, Object> error = assertPanelsInEveryContainer(page.page(), "origin.not_allowed");
            assertThat((String) error.get("message")).startsWith("The page origin '" + desktop.unlistedOrigin() + "' is not allowed");
            AccessibilityAudit.assertNoSeriousFindings(page.page(), "the pre-check error panels");
            screenshot(page.page(), "error-panel.png");
        }
    }

    @Test
    void everyOtherPreCheckFailureShowsItsPanelToo() {
        Map<String, String> cases = Map.of(
                "client=demo-noembed", "client.embed_not_allowed",
                "org=acme", "token.wrong_org",
                "token=foreign", "token.wrong_region",
                "token=malformed", "token.malformed",
                "fail=1", "provider.failed");
        cases.forEach((query, code) -> {
            try (AgentPage page = open("agent1", query)) {
                assertPanelsInEveryContainer(page.page(), code);
            }
        });
    }

    @Test
    void anEnvThatDoesNotAnswerShowsCannotReachRetryingWithTheNextAttemptsTime() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        String env = "http://localhost:" + dead;
        try (AgentPage page = browser.openForAudit(desktop.origin() + "/desktop?agent=agent1&env=" + enc(env), p -> { })) {
            awaitState(page.page(), "messaging", "error");
            Map<String, Object> error = error(page.page(), "messaging");
            assertThat(error).containsEntry("code", "env.unreachable").containsEntry("action", "reconnect");
            assertThat((String) error.get("retryAt")).isNotBlank();
            for (String widget : WIDGETS) {
                Locator panel = page.page().locator("#" + widget + " .deskframe-error-panel");
                assertThat(panel.locator("h2")).hasText("Cannot reach Deskframe, retrying");
                assertThat(panel.locator(".df-error-retry")).containsText("Cannot reach " + env + ", retrying at ");
                assertThat(panel.locator(".df-error-retry")).containsText(Pattern.compile("\\(in \\d+ s\\)\\.$"));
                assertThat(panel.locator(".df-error-code")).hasText("Error code: env.unreachable");
            }
            // A reconnect-range error does not reject ready: the client keeps trying.
            assertThat(page.page().evaluate("() => window.readyError === undefined")).isEqualTo(true);
            AccessibilityAudit.assertNoSeriousFindings(page.page(), "the env.unreachable panels");
        }
    }

    @Test
    void theLoopbackTwinOfTheIssuerIsAcceptedAsEnvAsDoctorAcceptsIt() {
        String twin = platform.base().replace("localhost", "127.0.0.1");
        try (AgentPage page = open("agent1", "env=" + enc(twin))) {
            awaitState(page.page(), "messaging", "ready");
            assertThat(messaging(page.page()).locator("#df-connection")).hasText("Connected");
        }
    }

    @Test
    void aBackendGivenAnotherNameForThePlatformFailsWithItsCauseAndAHintNamingTheIssuer() {
        String wrongName = platform.base().replace("localhost", "127.0.0.1");
        try (AgentPage page = open("agent1", "tokenPlatform=" + enc(wrongName))) {
            awaitState(page.page(), "messaging", "error");
            Map<String, Object> error = error(page.page(), "messaging");
            assertThat(error).containsEntry("code", "provider.failed");
            assertThat((String) error.get("message")).isEqualTo("The token provider (getAccessToken) threw: assertion.invalid:"
                    + " The jwt-bearer assertion is refused: aud [" + wrongName + "/oauth2/token] does not include the token"
                    + " endpoint '" + platform.base() + "/oauth2/token'.");
            String hint = "Give your backend (the token broker, the example desktop's DESKFRAME_ENV) this deployment's issuer '"
                    + platform.base() + "' as the platform URL: assertions are addressed to its token endpoint '"
                    + platform.base() + "/oauth2/token'.";
            assertThat(error).containsEntry("hint", hint);
            @SuppressWarnings("unchecked")
            Map<String, Object> cause = (Map<String, Object>) error.get("cause");
            assertThat(cause).containsEntry("code", "assertion.invalid").containsEntry("hint", hint);
            assertThat(page.page().locator("#messaging .df-error-hint")).hasText("Fix: " + hint);
            // DeskframeError.message is the message alone: the code and the hint are fields of their own.
            awaitTrue(page.page(), "() => window.readyError && window.readyError.code === 'provider.failed'");
            assertThat((String) page.page().evaluate("() => window.readyError.message")).isEqualTo(error.get("message"));
        }
    }

    // ---- a lost connection is visible -----------------------------------------------------------------------------

    @Test
    void aLostConnectionIsReconnectingInStatusStyleAndEventsUntilItIsBack() throws Exception {
        AtomicBoolean down = new AtomicBoolean(false);
        List<WebSocketRoute> live = new CopyOnWriteArrayList<>();
        try (AgentPage page = browser.openForAudit(desktop.origin() + "/desktop?agent=agent1", p -> p.context()
                .routeWebSocket(Pattern.compile(".*/api/v2/stream$"), ws -> {
                    if (down.get()) {
                        ws.close(new WebSocketRoute.CloseOptions().setCode(1011).setReason("platform down"));
                    } else {
                        ws.connectToServer();
                        live.add(ws);
                    }
                }))) {
            awaitState(page.page(), "messaging", "ready");
            FrameLocator m = messaging(page.page());
            Locator connection = m.locator("#df-connection");
            assertThat(connection).hasText("Connected");
            assertThat(connection).hasAttribute("data-state", "ready");

            down.set(true);
            for (WebSocketRoute ws : live) ws.close(new WebSocketRoute.CloseOptions().setCode(1011).setReason("platform down"));
            live.clear();
            awaitState(page.page(), "messaging", "reconnecting");
            assertThat(connection).hasAttribute("data-state", "reconnecting");
            assertThat(connection).containsText("Connection lost");
            assertThat(connection).containsText("reconnecting…");
            assertThat(connection).containsText(Pattern.compile("Next attempt at .+\\(in \\d+ s\\)\\."));
            assertThat(connection.evaluate("e => getComputedStyle(e).backgroundColor"))
                    .as("reconnecting is not styled like connected").isNotEqualTo("rgba(0, 0, 0, 0)");
            @SuppressWarnings("unchecked")
            Map<String, Object> reconnect = (Map<String, Object>) status(page.page(), "messaging").get("reconnect");
            assertThat((String) reconnect.get("retryAt")).isNotBlank();
            awaitTrue(page.page(), "() => window.events.some(e => e.type === 'reconnecting' && e.widget === 'messaging')");
            assertThat(m.locator("#df-composer-reason")).containsText("Not connected");
            AccessibilityAudit.assertNoSeriousFindings(page.page(), "the reconnecting messaging widget");
            screenshot(page.page(), "reconnecting.png");

            down.set(false);
            awaitState(page.page(), "messaging", "ready");
            assertThat(connection).hasText("Connected");
            awaitTrue(page.page(), "() => window.events.some(e => e.type === 'reconnected')");
        }
    }

    // ---- lists and receipts an agent can trust --------------------------------------------------------------------

    @Test
    void theListIsInOrderOfLastActivityAndNothingTheAgentDidNotOpenIsMarkedRead() {
        platform.createAgent("e2e-ann", "Ann Example");
        platform.createAgent("e2e-bob", "Bob Example");
        try (AgentPage bob = browser.openForAudit(desktop.origin() + "/desktop?agent=e2e-bob", p -> { })) {
            awaitState(bob.page(), "messaging", "ready");
            FrameLocator mb = messaging(bob.page());
            assertThat(mb.locator("#df-conversations-empty")).hasText("No conversations yet. Start one below.");
            assertThat(mb.locator("#df-composer-text")).isDisabled();
            assertThat(mb.locator("#df-send")).isDisabled();
            assertThat(mb.locator("#df-composer-reason")).hasText("Select or start a conversation to write a message.");
            AccessibilityAudit.assertNoSeriousFindings(bob.page(), "an agent with no conversations");

            try (AgentPage ann = browser.openForAudit(desktop.origin() + "/desktop?agent=e2e-ann", p -> { })) {
                awaitState(ann.page(), "messaging", "ready");
                FrameLocator ma = messaging(ann.page());
                startConversation(ma, "e2e-bob", "First");
                send(ma, "hello first");
                startConversation(ma, "e2e-bob", "Second");
                send(ma, "see https://example.com/docs?x=1, not javascript:alert(1)");

                // A new conversation lands on top.
                assertThat(mb.locator("button.df-conversation")).hasCount(2);
                assertThat(mb.locator("button.df-conversation").first()).hasAccessibleName("Second (1 unread)");
                // A message in an older conversation moves it back to the top.
                select(ma, "First");
                send(ma, "first again");
                assertThat(mb.locator("button.df-conversation").first()).hasAccessibleName("First (2 unread)");
                assertThat(mb.locator("#df-title")).hasText("No conversation selected");
                assertThat(message(ma, "first again").locator(".df-receipt")).hasText("✓ delivered");

                // After a reload: still in order of last activity, nothing opened, nothing marked read (the unread counts
                // come from the server's read positions, so a read receipt sent behind the agent's back would show here).
                for (int reload = 0; reload < 2; reload++) {
                    bob.page().reload();
                    awaitState(bob.page(), "messaging", "ready");
                    assertThat(mb.locator("button.df-conversation").nth(0)).hasAccessibleName("First (2 unread)");
                    assertThat(mb.locator("button.df-conversation").nth(1)).hasAccessibleName("Second (1 unread)");
                    assertThat(mb.locator("#df-title")).hasText("No conversation selected");
                    assertThat(mb.locator("button.df-conversation[aria-current=true]")).hasCount(0);
                    assertThat(mb.locator("#df-composer-text")).isDisabled();
                }
                assertThat(message(ma, "first again").locator(".df-receipt")).hasText("✓ delivered");

                // Opening a conversation reads it; its links are safe.
                select(mb, "Second");
                assertThat(mb.locator("button.df-conversation", new FrameLocator.LocatorOptions().setHasText("Second")))
                        .hasAccessibleName("Second");
                Locator link = message(mb, "see https://example.com/docs").locator("a");
                assertThat(link).hasCount(1);
                assertThat(link).hasAttribute("href", "https://example.com/docs?x=1");
                assertThat(link).hasAttribute("rel", "noopener noreferrer");
                assertThat(link).hasAttribute("target", "_blank");
                assertThat(link).hasText("https://example.com/docs?x=1");
                assertThat(mb.locator("#df-composer-text")).isEnabled();
                // The transcript is a list inside the live log region, and own messages name the sender for screen readers.
                assertThat(mb.locator("[role=log] > ol#df-transcript > li.df-message")).hasCount(1);
                assertThat(message(ma, "hello first").locator(".df-sender")).hasText("You");
                assertThat(message(ma, "first again").locator(".df-receipt")).hasText("✓ delivered");
                select(ma, "Second");
                assertThat(message(ma, "see https://example.com/docs").locator(".df-receipt")).hasText("✓✓ read");
                AccessibilityAudit.assertNoSeriousFindings(bob.page(), "messaging with conversations, receipts and links");
                AccessibilityAudit.assertNoSeriousFindings(ann.page() , "the sender's side");
            }
        }
    }

    @Test
    void aWidgetThatFailsItsHandshakeAndTheReadyCallWidgetsPassTheAudit() {
        try (AgentPage page = browser.openForAudit(desktop.origin() + "/desktop?agent=agent1&scope="
                + enc("messaging:read voice video"), p -> { })) {
            awaitState(page.page(), "messaging", "error");
            awaitState(page.page(), "voice", "ready");
            awaitState(page.page(), "video", "ready");
            assertThat(messaging(page.page()).locator(".df-error h1")).hasText("This widget cannot start");
            assertThat(page.page().frameLocator("#voice iframe").locator("#df-dial-target")).isVisible();
            assertThat(page.page().frameLocator("#video iframe").locator("#df-dial-target")).isVisible();
            AccessibilityAudit.assertNoSeriousFindings(page.page(), "a handshake error and the call widgets");
        }
    }

    @Test
    void whenTheTokenLacksVoiceThenOnlyTheVoiceWidgetNamesTokenScopeMissing() {
        try (AgentPage page = browser.open(desktop.origin() + "/desktop?agent=agent1&scope="
                + enc("messaging:read messaging:write video"))) {
            awaitState(page.page(), "messaging", "ready");
            awaitState(page.page(), "video", "ready");
            awaitState(page.page(), "voice", "error");
            assertThat(error(page.page(), "voice")).containsEntry("code", "token.scope_missing");
            assertThat(page.page().frameLocator("#voice iframe").locator(".df-error-code")).hasText("Error code: token.scope_missing");
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    /** Every widget's container shows the panel with the status's message, fix and code, and no iframe is mounted. */
    private static Map<String, Object> assertPanelsInEveryContainer(Page page, String code) {
        awaitState(page, "messaging", "error");
        Map<String, Object> error = error(page, "messaging");
        assertThat(error).as(code).containsEntry("code", code);
        for (String widget : WIDGETS) {
            Locator panel = page.locator("#" + widget + " .deskframe-error-panel");
            assertThat(panel.locator("[role=alert] h2")).hasText("This widget cannot start");
            assertThat(panel.locator(".df-error-message")).hasText((String) error.get("message"));
            assertThat(panel.locator(".df-error-hint")).hasText("Fix: " + error.get("hint"));
            assertThat(panel.locator(".df-error-code")).hasText("Error code: " + code);
        }
        assertThat(page.locator("iframe")).hasCount(0);
        return error;
    }

    private AgentPage open(String agent, String query) {
        return browser.open(desktop.origin() + "/desktop?agent=" + agent + (query.isEmpty() ? "" : "&" + query));
    }

    private static void select(FrameLocator m, String subject) {
        m.locator("button.df-conversation", new FrameLocator.LocatorOptions().setHasText(subject)).click();
        assertThat(m.locator("#df-title")).hasText(subject);
    }

    private static void startConversation(FrameLocator m, String agents, String subject) {
        m.locator("#df-new-agents").fill(agents);
        m.locator("#df-new-subject").fill(subject);
        m.locator("#df-new-subject").press("Enter");
        assertThat(m.locator("#df-title")).hasText(subject);
    }

    /** Into target/screenshots, and into docs/images when asked to write the docs (or when it is missing there). */
    static void screenshot(Page page, String name) throws Exception {
        Path png = Path.of("target", "screenshots", name);
        page.screenshot(new Page.ScreenshotOptions().setPath(png));
        assertThat(Files.size(png)).isPositive();
        String configured = System.getProperty("deskframe.docs");
        Path committed = (configured != null ? Path.of(configured) : Path.of("..", "docs")).resolve("images").resolve(name);
        if (Boolean.getBoolean("deskframe.docs.write") || !Files.exists(committed)) {
            Files.createDirectories(committed.getParent());
            Files.copy(png, committed, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
