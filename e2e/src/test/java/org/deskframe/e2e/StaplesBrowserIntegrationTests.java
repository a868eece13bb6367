package org.deskframe.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.deskframe.e2e.EmbeddedWidgets.message;
import static org.deskframe.e2e.EmbeddedWidgets.messaging;
import static org.deskframe.e2e.EmbeddedWidgets.awaitState;
import static org.deskframe.e2e.EmbeddedWidgets.send;

import com.microsoft.playwright.FrameLocator;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.SelectOption;
import java.util.Map;
import org.deskframe.e2e.Browser.AgentPage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What an agent sees of the staples (issues 9 and 11) in real Chromium: a peer picked by name from the agent directory,
 * display names, the other agent's read state (also after a reload), a canned response inserted into the composer,
 * and internal notes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StaplesBrowserIntegrationTests {

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
        platform.createAgent("e2e-cat", "Cat Example");
        platform.createAgent("e2e-dan", "Dan Example");
    }

    @AfterAll
    void stop() {
        if (browser != null) browser.close();
        if (desktop != null) desktop.close();
        if (platform != null) platform.close();
    }

    @Test
    void aPeerPickedByNameSeesDisplayNamesAndItsReadStateShowsAlsoAfterAReload() {
        try (AgentPage cat = open("e2e-cat"); AgentPage dan = open("e2e-dan")) {
            FrameLocator mc = messaging(cat.page());
            FrameLocator md = messaging(dan.page());

            // The agent directory search: typed by name, picked from the results.
            mc.locator("#df-new-agents").pressSequentially("dan ex", new Locator.PressSequentiallyOptions().setDelay(20));
            Locator result = mc.locator("button.df-agent-result");
            assertThat(result).hasCount(1);
            assertThat(result).hasText("Dan Example (e2e-dan)");
            result.click();
            assertThat(mc.locator("#df-new-agents")).hasValue("e2e-dan");
            mc.locator("#df-new-subject").fill("Names");
            mc.locator("#df-new-subject").press("Enter");
            assertThat(mc.locator("#df-title")).hasText("Names");
            send(mc, "hello Dan");

            select(md, "Names");
            assertThat(message(md, "hello Dan").locator(".df-sender")).hasText("Cat Example");
            send(md, "hi Cat");
            assertThat(message(mc, "hi Cat").locator(".df-sender")).hasText("Dan Example");
            assertThat(message(mc, "hello Dan").locator(".df-receipt")).hasText("✓✓ read");
            assertThat(message(mc, "hello Dan").locator(".df-receipt")).hasAttribute("title", "Read by Dan Example");
            md.locator("#df-composer-text").pressSequentially("typing", new Locator.PressSequentiallyOptions().setDelay(20));
            assertThat(mc.locator("#df-typing")).hasText("Dan Example is typing…");

            // After a reload, the tick comes from the server's record of where Dan stands, not from a live push.
            cat.page().reload();
            awaitState(cat.page(), "messaging", "ready");
            select(mc, "Names");
            assertThat(message(mc, "hello Dan").locator(".df-receipt")).hasText("✓✓ read");
            assertThat(message(mc, "hi Cat").locator(".df-sender")).hasText("Dan Example");
        }
    }

    @Test
    void aCannedResponseIsInsertedIntoTheComposerAndSentAfterEditing() {
        platform.createCannedResponse("Greeting", "Hello! How can I help you today?");
        try (AgentPage cat = open("e2e-cat")) {
            FrameLocator mc = messaging(cat.page());
            mc.locator("#df-new-agents").fill("e2e-dan");
            mc.locator("#df-new-subject").fill("Canned");
            mc.locator("#df-new-subject").press("Enter");
            assertThat(mc.locator("#df-title")).hasText("Canned");
            Locator box = mc.locator("#df-composer-text");
            box.fill("Dear customer, ");
            mc.locator("#df-canned").selectOption(new SelectOption().setLabel("Greeting"));
            assertThat(box).hasValue("Dear customer, Hello! How can I help you today?");
            assertThat(box).isFocused();
            box.press("Enter");
            assertThat(message(mc, "Dear customer, Hello! How can I help you today?")).isVisible();
        }
    }

    @Test
    void anInternalNoteIsShownToTheOtherAgentAsANoteNotAMessage() {
        try (AgentPage cat = open("e2e-cat"); AgentPage dan = open("e2e-dan")) {
            FrameLocator mc = messaging(cat.page());
            FrameLocator md = messaging(dan.page());
            mc.locator("#df-new-agents").fill("e2e-dan");
            mc.locator("#df-new-subject").fill("Notes");
            mc.locator("#df-new-subject").press("Enter");
            send(mc, "a message first");
            mc.locator("#df-note-mode").check();
            assertThat(mc.locator("#df-send")).hasText("Add note");
            send(mc, "VIP customer, be nice");
            assertThat(mc.locator(".df-note")).hasText(java.util.regex.Pattern.compile("Internal note · You.*VIP customer, be nice"));

            select(md, "Notes");
            Locator note = md.locator(".df-note");
            assertThat(note).hasCount(1);
            assertThat(note.locator(".df-sender")).hasText("Internal note · Cat Example");
            // The note stands after the message it followed, and is not counted or receipted as a message.
            assertThat(md.locator("ol#df-transcript > li").nth(1)).hasClass(java.util.regex.Pattern.compile("df-note"));
            dan.page().reload();
            awaitState(dan.page(), "messaging", "ready");
            select(md, "Notes");
            assertThat(md.locator(".df-note .df-text")).hasText("VIP customer, be nice");
        }
    }

    private AgentPage open(String agent) {
        AgentPage page = browser.open(desktop.origin() + "/desktop?agent=" + agent);
        awaitState(page.page(), "messaging", "ready");
        return page;
    }

    private static void select(FrameLocator m, String subject) {
        m.locator("button.df-conversation", new FrameLocator.LocatorOptions().setHasText(subject)).click();
        assertThat(m.locator("#df-title")).hasText(subject);
    }
}
