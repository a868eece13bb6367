package org.deskframe.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.FrameLocator;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.deskframe.e2e.Browser.AgentPage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The customer's side in real headless Chromium: the demo customer site on an origin of its own embeds the messenger
 * of the demo deployment demo-web; the customer chats, reloads, and finds the same conversation with its transcript.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MessengerBrowserIntegrationTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private CustomerSite site;
    private Platform platform;
    private Browser browser;

    @BeforeAll
    void start() throws Exception {
        PlaywrightAssertions.setDefaultAssertionTimeout(15_000);
        site = new CustomerSite();
        platform = new Platform("http://localhost:1", Map.of("deskframe.guest.demo-site-url", site.origin()));
        site.platform(platform.base(), "demo-web");
        browser = new Browser();
    }

    @AfterAll
    void stop() {
        if (browser != null) browser.close();
        if (platform != null) platform.close();
        if (site != null) site.close();
    }

    @Test
    void aCustomerChatsReloadsAndFindsTheSameConversationWithItsTranscript() throws Exception {
        try (AgentPage customer = browser.open(site.origin() + "/")) {
            Page page = customer.page();
            FrameLocator panel = openPanel(page);
            // demo-web asks for a name and an email first (both optional).
            panel.getByLabel("Name").fill("Casey");
            panel.getByRole(AriaRole.BUTTON, new FrameLocator.GetByRoleOptions().setName("Start chat")).click();
            Locator transcript = panel.getByRole(AriaRole.LOG, new FrameLocator.GetByRoleOptions().setName("Conversation"));
            assertThat(transcript).containsText("Thanks for reaching out to the Deskframe demo team");
            Locator composer = panel.getByRole(AriaRole.TEXTBOX, new FrameLocator.GetByRoleOptions().setName("Message"));
            assertThat(composer).isEnabled();
            composer.fill("Where is my order 1234?");
            composer.press("Enter");
            Locator mine = transcript.locator(".df-m-own", new Locator.LocatorOptions().setHasText("Where is my order 1234?"));
            assertThat(mine).isVisible();
            assertThat(mine.locator(".df-m-receipt")).hasText(" · Sent");
            String conversation = conversation(page);
            assertThat(conversation).startsWith("c_");

            page.reload();
            FrameLocator again = openPanel(page);
            Locator transcriptAgain = again.getByRole(AriaRole.LOG, new FrameLocator.GetByRoleOptions().setName("Conversation"));
            assertThat(transcriptAgain).containsText("Thanks for reaching out to the Deskframe demo team");
            assertThat(transcriptAgain.locator(".df-m-own")).hasText(java.util.regex.Pattern.compile("Where is my order 1234\\?"));
            assertThat(again.getByLabel("Name")).hasCount(0);
            assertThat(conversation(page)).isEqualTo(conversation);
            assertThat(page.locator("#messenger-status")).hasText("Messenger: ready");

            // The platform's side: the message is stored in that conversation (the history API, with the browser's resume).
            String resume = (String) page.evaluate("() => Object.entries(localStorage).find(([k]) => k.startsWith('deskframe.messenger:'))[1]");
            JsonNode session = post("/api/v2/guest/sessions", "{\"deployment\":\"demo-web\",\"resume\":\"" + resume + "\"}");
            assertThat(session.get("conversation").asString()).isEqualTo(conversation);
            assertThat(session.get("customer").get("name").asString()).isEqualTo("Casey");
            JsonNode history = get("/api/v2/conversations/" + conversation + "/messages", session.get("token").asString());
            assertThat(history.get("messages").toString()).contains("Where is my order 1234?");
            assertThat(history.get("messages").get(1).get("sender").get("kind").asString()).isEqualTo("customer");
            assertThat(customer.console().toString()).doesNotContain(session.get("token").asString().substring(0, 40));
        }
    }

    @Test
    void anUnknownDeploymentShowsTheCataloguesMessageAndHint() {
        try (AgentPage customer = browser.open(site.origin() + "/", page -> { })) {
            Page page = customer.page();
            page.waitForFunction("() => window.deskframeMessenger && window.deskframeMessenger.status().state !== 'starting'");
            Object state = page.evaluate("async () => { const m = window.deskframeMessenger; m.destroy();"
                    + " const {Messenger} = await import('" + platform.base() + "/embed/v1/messenger.js');"
                    + " const x = new Messenger({env: '" + platform.base() + "', deployment: 'no-such-deployment'});"
                    + " try { await x.ready; return 'ready'; } catch (e) { return e.code + '|' + e.hint; } }");
            assertThat(String.valueOf(state)).startsWith("guest.deployment_unknown|").contains("messenger-deployments");
        }
    }

    @Test
    void theMessengerIsAccessibleAndFitsAPhone() {
        try (AgentPage customer = browser.openForAudit(site.origin() + "/", page -> { })) {
            Page page = customer.page();
            page.setViewportSize(375, 667);
            // The launcher's icon is drawn (inline SVG), not a character whose glyph the device may lack.
            Locator icon = page.locator(".deskframe-messenger-launcher svg path");
            assertThat(icon).hasCount(1);
            var drawn = icon.boundingBox();
            assertThat(drawn.width).isGreaterThan(10);
            assertThat(drawn.height).isGreaterThan(10);
            assertThat(page.locator(".deskframe-messenger-launcher").textContent()).isBlank();
            String closedIcon = icon.getAttribute("d");
            FrameLocator panel = openPanel(page);
            assertThat(page.locator(".deskframe-messenger-launcher svg path").getAttribute("d"))
                    .as("the open launcher shows a close icon").isNotEqualTo(closedIcon);
            assertThat(panel.getByLabel("Name")).isVisible();
            AccessibilityAudit.assertNoSeriousFindings(page, "the messenger's pre-chat form");
            panel.getByRole(AriaRole.BUTTON, new FrameLocator.GetByRoleOptions().setName("Start chat")).click();
            Locator composer = panel.getByRole(AriaRole.TEXTBOX, new FrameLocator.GetByRoleOptions().setName("Message"));
            assertThat(composer).isEnabled();
            // Keyboard only: the composer takes focus, Enter sends.
            composer.focus();
            page.keyboard().type("Typed on a phone");
            page.keyboard().press("Enter");
            assertThat(panel.locator(".df-m-own")).containsText("Typed on a phone");
            var box = page.locator("iframe[title='Chat with us']").boundingBox();
            assertThat(box.x).isGreaterThanOrEqualTo(0);
            assertThat(box.x + box.width).isLessThanOrEqualTo(375);
            assertThat(box.y + box.height).isLessThanOrEqualTo(667);
            AccessibilityAudit.assertNoSeriousFindings(page, "the messenger's conversation");
            // Escape closes the panel and gives the focus back to the launcher.
            page.keyboard().press("Escape");
            assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Open chat"))).isFocused();
        }
    }

    private static FrameLocator openPanel(Page page) {
        Locator launcher = page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Open chat"));
        assertThat(launcher).isVisible();
        launcher.click();
        assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Close chat"))).hasAttribute("aria-expanded", "true");
        return page.frameLocator("iframe[title='Chat with us']");
    }

    private static String conversation(Page page) {
        page.waitForFunction("() => window.deskframeMessenger && window.deskframeMessenger.status().conversation");
        return (String) page.evaluate("() => window.deskframeMessenger.status().conversation");
    }

    private JsonNode post(String path, String body) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(platform.base() + path)).header("Content-Type", "application/json")
                .header("Origin", site.origin()).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(r, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
        return JSON.readTree(response.body());
    }

    private JsonNode get(String path, String token) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(platform.base() + path)).header("Authorization", "Bearer " + token).GET().build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(r, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
