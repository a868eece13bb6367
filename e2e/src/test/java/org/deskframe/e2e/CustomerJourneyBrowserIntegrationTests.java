package org.deskframe.e2e;

import static org.deskframe.e2e.EmbeddedWidgets.messaging;
import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.FrameLocator;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.deskframe.e2e.Browser.AgentPage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The customer journey of issue 11 in real headless Chromium: the demo customer site on its own origin starts a chat;
 * it waits in the demo queue (its place shown), is offered to agent1 on the real example desktop (the offer with its
 * countdown, accept and decline, and the desktop's screen pop with the customer's name); agent1 accepts; they write
 * both ways with typing and read state; agent1 transfers to agent2, who reads the whole transcript; the customer
 * reloads and finds everything; agent2 reloads too and closes with the wrap-up code the queue requires; the customer sees it ended,
 * still after another reload, and starts a new conversation only when it asks for one. Each person has a browser
 * context of their own. With {@code -Ddeskframe.screenshots.write=true} it writes the README's screenshots
 * (docs/images/messenger.png, docs/images/desktop-offer.png).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CustomerJourneyBrowserIntegrationTests {

    private CustomerSite site;
    private Platform platform;
    private ExampleDesktop desktop;
    private Browser browser;

    @BeforeAll
    void start() throws Exception {
        PlaywrightAssertions.setDefaultAssertionTimeout(20_000);
        site = new CustomerSite();
        int desktopPort = Platform.freePort();
        String desktopOrigin = "http://localhost:" + desktopPort;
        platform = new Platform(desktopOrigin, Map.of(
                "deskframe.guest.demo-site-url", site.origin(),
                "deskframe.demo.desktop-url", desktopOrigin,
                "deskframe.demo.extra-origins", ""));
        platform.requireWrapUp("resolved", "escalated");
        site.platform(platform.base(), "demo-web");
        desktop = new ExampleDesktop(platform.base(), desktopPort);
        browser = new Browser();
    }

    @AfterAll
    void stop() {
        if (browser != null) browser.close();
        if (desktop != null) desktop.close();
        if (platform != null) platform.close();
        if (site != null) site.close();
    }

    @Test
    void aCustomerChatsWithAgent1IsTransferredToAgent2ReloadsAndIsClosedWithAWrapUpCode() throws Exception {
        try (AgentPage one = signIn("agent1"); AgentPage two = signIn("agent2"); AgentPage customer = browser.openForAudit(site.origin() + "/", p -> { })) {
            FrameLocator m1 = messaging(one.page());
            FrameLocator m2 = messaging(two.page());
            // agent2 is at work but takes no new customers (busy): agent1 gets the offer once it is available.
            assertThat(m2.locator("#df-presence")).isVisible();
            m2.locator("#df-presence").selectOption("busy");
            assertThat(m2.locator("#df-presence")).hasValue("busy");

            // The customer starts a chat on the shop's own origin; nobody is available yet, so it waits, and is told where.
            Page page = customer.page();
            FrameLocator panel = openPanel(page);
            panel.getByLabel("Name").fill("Casey");
            panel.getByRole(AriaRole.BUTTON, new FrameLocator.GetByRoleOptions().setName("Start chat")).click();
            Locator transcript = panel.getByRole(AriaRole.LOG, new FrameLocator.GetByRoleOptions().setName("Conversation"));
            assertThat(transcript).containsText("Thanks for reaching out to the Deskframe demo team");
            Locator status = panel.getByRole(AriaRole.STATUS);
            assertThat(status).containsText("You are next in the queue");
            String conversation = conversation(page);

            // agent1 becomes available: the offer (customer, queue, seconds left, accept and decline) and the screen pop.
            m1.locator("#df-presence").selectOption("available");
            Locator offer = m1.locator(".df-offer", new FrameLocator.LocatorOptions().setHasText("Casey"));
            assertThat(offer).isVisible();
            assertThat(offer.locator(".df-offer-who")).hasText("Casey · demo-support");
            assertThat(offer.getByRole(AriaRole.TIMER)).hasText(Pattern.compile("^(30|2\\d|1\\d)s$"));
            assertThat(offer.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Accept"))).isEnabled();
            assertThat(offer.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Decline"))).isEnabled();
            // The empty list points at the offer, not at starting a conversation of one's own.
            assertThat(m1.locator("#df-conversations-empty")).hasText("No conversations yet: accept the offer above to take it.");
            Locator pop = one.page().locator("#screen-pop");
            assertThat(pop).isVisible();
            assertThat(pop.locator("h2")).hasText("Incoming customer");
            assertThat(pop.locator("dl")).containsText("NameCasey");
            assertThat(pop.locator("dl")).containsText("Queuedemo-support");
            assertThat(pop).hasAttribute("data-conversation", conversation);
            screenshot(one.page(), "desktop-offer.png");
            AccessibilityAudit.assertNoSeriousFindings(one.page(), "the example desktop with an offer and its screen pop");

            offer.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Accept")).click();
            assertThat(m1.locator(".df-offer")).hasCount(0);
            assertThat(m1.locator("#df-title")).containsText("Casey");
            assertThat(transcript).containsText("Agent One joined the conversation.");
            assertThat(status).hasText("Chatting with Agent One");

            // Both ways, with typing and read state.
            Locator composer = panel.getByRole(AriaRole.TEXTBOX, new FrameLocator.GetByRoleOptions().setName("Message"));
            composer.pressSequentially("Where is my order 1234?");
            assertThat(m1.locator("#df-typing")).hasText(Pattern.compile("is typing…$"));
            composer.press("Enter");
            assertThat(agentMessage(m1, "Where is my order 1234?")).isVisible();
            Locator mine = transcript.locator(".df-m-own", new Locator.LocatorOptions().setHasText("Where is my order 1234?"));
            assertThat(mine.locator(".df-m-receipt")).hasText(" · Read");

            m1.locator("#df-composer-text").pressSequentially("It ships today.");
            assertThat(panel.locator(".df-m-typing")).hasText("Agent One is typing…");
            m1.locator("#df-composer-text").press("Enter");
            Locator reply = transcript.locator(".df-m-theirs", new Locator.LocatorOptions().setHasText("It ships today."));
            assertThat(reply.locator(".df-m-who")).hasText("Agent One");
            assertThat(agentMessage(m1, "It ships today.").locator(".df-receipt")).hasText("✓✓ read");
            screenshot(page, "messenger.png");
            AccessibilityAudit.assertNoSeriousFindings(page, "the messenger chatting with an agent");
            AccessibilityAudit.assertNoSeriousFindings(one.page(), "the example desktop with an assigned conversation (transfer, close)");

            // agent1 transfers to agent2: agent1 can no longer write; agent2 reads the whole transcript.
            // Picked from the org's agents, each shown with its presence and load (the routing options API).
            Locator picker = m1.locator("select#df-transfer-agent");
            assertThat(picker.locator("option[value='agent:agent2']")).hasText(java.util.regex.Pattern.compile("Agent Two: \\w+.*, \\d+ of \\d+"));
            assertThat(picker.locator("option[value='agent:agent1']")).hasCount(0);
            assertThat(picker.locator("option[value='queue:demo-support']")).hasCount(1);
            screenshot(one.page(), "desktop-transfer.png");
            picker.selectOption("agent:agent2");
            m1.getByRole(AriaRole.BUTTON, new FrameLocator.GetByRoleOptions().setName("Transfer")).click();
            assertThat(m1.locator("#df-composer-reason")).hasText("You transferred this conversation to Agent Two.");
            assertThat(m1.locator("#df-composer-text")).isDisabled();
            assertThat(transcript).containsText("Agent Two joined the conversation.");
            assertThat(status).hasText("Chatting with Agent Two");
            Locator atTwo = m2.locator("button.df-conversation", new FrameLocator.LocatorOptions().setHasText("Casey"));
            atTwo.click();
            for (String text : new String[] {"Where is my order 1234?", "It ships today.", "Agent One transferred the conversation to Agent Two."}) {
                assertThat(agentMessage(m2, text)).isVisible();
            }
            assertThat(m2.locator("#df-transcript")).containsText("Thanks for reaching out to the Deskframe demo team");

            // The customer reloads: the same conversation, everything in it, and who it is with.
            page.reload();
            FrameLocator again = openPanel(page);
            Locator transcriptAgain = again.getByRole(AriaRole.LOG, new FrameLocator.GetByRoleOptions().setName("Conversation"));
            assertThat(transcriptAgain.locator(".df-m-msg")).hasCount(4);
            assertThat(transcriptAgain.locator(".df-m-own")).hasText(Pattern.compile("Where is my order 1234\\?"));
            assertThat(transcriptAgain.locator(".df-m-theirs", new Locator.LocatorOptions().setHasText("It ships today."))
                    .locator(".df-m-who")).hasText("Agent One");
            assertThat(transcriptAgain).containsText("Agent One transferred the conversation to Agent Two.");
            assertThat(again.getByRole(AriaRole.STATUS)).hasText("Chatting with Agent Two");
            assertThat(conversation(page)).isEqualTo(conversation);

            // agent2 reloads the desktop: the conversation is still theirs to close.
            two.page().reload();
            assertThat(two.page().locator("#widget-status [data-widget=messaging] .state")).hasAttribute("data-state", "ready");
            m2.locator("button.df-conversation", new FrameLocator.LocatorOptions().setHasText("Casey")).click();
            assertThat(agentMessage(m2, "It ships today.")).isVisible();

            // An attachment both ways: the customer's photo reaches agent2 as an image, agent2's PDF reaches the customer.
            com.microsoft.playwright.FileChooser photo = page.waitForFileChooser(() ->
                    again.getByRole(AriaRole.BUTTON, new FrameLocator.GetByRoleOptions().setName("Attach a file")).click());
            photo.setFiles(new com.microsoft.playwright.options.FilePayload("damaged-box.png", "image/png", AttachmentBrowserIntegrationTests.png()));
            assertThat(transcriptAgain.locator(".df-m-own img.df-attachment-image")).hasAttribute("alt", "damaged-box.png");
            Locator atAgent = m2.locator(".df-message img.df-attachment-image");
            assertThat(atAgent).hasAttribute("src", Pattern.compile("^blob:"));
            atAgent.evaluate("i => i.decode()");
            assertThat(atAgent.evaluate("i => i.naturalWidth")).isEqualTo(6);
            com.microsoft.playwright.FileChooser invoice = two.page().waitForFileChooser(() ->
                    m2.getByRole(AriaRole.BUTTON, new FrameLocator.GetByRoleOptions().setName("Attach a file")).click());
            invoice.setFiles(new com.microsoft.playwright.options.FilePayload("invoice.pdf", "application/pdf", AttachmentBrowserIntegrationTests.PDF));
            Locator download = transcriptAgain.locator(".df-m-theirs .df-attachment-link");
            assertThat(download).hasText(Pattern.compile("Download invoice\\.pdf"));
            com.microsoft.playwright.Download got = page.waitForDownload(download::click);
            assertThat(Files.readAllBytes(got.path())).isEqualTo(AttachmentBrowserIntegrationTests.PDF);

            // agent2 closes: the queue requires a wrap-up code, and says which.
            m2.getByRole(AriaRole.BUTTON, new FrameLocator.GetByRoleOptions().setName("Close conversation")).click();
            assertThat(m2.locator("#df-notice")).containsText("escalated, resolved");
            m2.locator("select#df-wrap-up").selectOption("resolved");
            m2.getByRole(AriaRole.BUTTON, new FrameLocator.GetByRoleOptions().setName("Close conversation")).click();
            assertThat(m2.locator("#df-composer-reason")).hasText("This conversation has ended by you (wrap-up: resolved).");
            assertThat(m2.locator("#df-composer-text")).isDisabled();
            assertThat(transcriptAgain).containsText("Agent Two ended the conversation.");
            assertThat(again.getByRole(AriaRole.STATUS)).hasText("Conversation ended");
            assertThat(again.getByRole(AriaRole.TEXTBOX, new FrameLocator.GetByRoleOptions().setName("Message"))).isDisabled();
            assertThat(again.getByRole(AriaRole.BUTTON, new FrameLocator.GetByRoleOptions().setName("Start a new conversation"))).isVisible();
            page.waitForFunction("() => window.deskframeMessenger.status().state === 'ended'");
            AccessibilityAudit.assertNoSeriousFindings(page, "the messenger after the conversation ended");
            // The page's own API cannot slip a message into it either: the catalogue's refusal, nothing stored.
            assertThat(page.evaluate("() => window.deskframeMessenger.send('one more thing').then(() => 'sent', e => e.code)"))
                    .isEqualTo("conversation.closed");

            // The customer comes back after the end: the ended conversation, readable, not an empty new one.
            page.reload();
            FrameLocator later = openPanel(page);
            Locator transcriptLater = later.getByRole(AriaRole.LOG, new FrameLocator.GetByRoleOptions().setName("Conversation"));
            // Four messages and the two files; the refused message is not among them.
            assertThat(transcriptLater.locator(".df-m-msg")).hasCount(6);
            assertThat(transcriptLater.locator("img.df-attachment-image")).hasCount(1);
            assertThat(transcriptLater).containsText("Agent Two ended the conversation.");
            assertThat(later.getByRole(AriaRole.STATUS)).hasText("Conversation ended");
            assertThat(later.getByRole(AriaRole.TEXTBOX, new FrameLocator.GetByRoleOptions().setName("Message"))).isDisabled();
            assertThat(conversation(page)).isEqualTo(conversation);
            later.getByRole(AriaRole.BUTTON, new FrameLocator.GetByRoleOptions().setName("Start a new conversation")).click();
            assertThat(transcriptLater.locator(".df-m-msg")).hasCount(1);
            assertThat(transcriptLater).containsText("Thanks for reaching out to the Deskframe demo team");
            assertThat(later.getByRole(AriaRole.TEXTBOX, new FrameLocator.GetByRoleOptions().setName("Message"))).isEnabled();
            page.waitForFunction("c => window.deskframeMessenger.status().conversation && window.deskframeMessenger.status().conversation !== c",
                    conversation);
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    /** A browser context of its own, signed in to the example desktop through its login page, messaging ready. */
    private AgentPage signIn(String user) {
        // Audit contexts (CSP bypassed so axe-core can be injected into the widget frames).
        AgentPage p = browser.openForAudit(desktop.origin() + "/", page -> { });
        assertThat(p.page()).hasURL(desktop.origin() + "/login");
        p.page().getByLabel("Username").fill(user);
        p.page().getByLabel("Password").fill(ExampleDesktop.password(user));
        p.page().getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        assertThat(p.page()).hasURL(desktop.origin() + "/");
        assertThat(p.page().locator("#widget-status [data-widget=messaging] .state")).hasAttribute("data-state", "ready");
        return p;
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

    /** A stored message (not one still being sent) in an agent's transcript, by its whole text. */
    private static Locator agentMessage(FrameLocator m, String text) {
        String escaped = text.replaceAll("[\\\\^$.|?*+()\\[\\]{}]", "\\\\$0");
        Locator exactText = m.locator(".df-text", new FrameLocator.LocatorOptions().setHasText(Pattern.compile("^" + escaped + "$")));
        return m.locator("#df-transcript .df-message:not(.df-pending)", new FrameLocator.LocatorOptions().setHas(exactText));
    }

    /**
     * The README's screenshots come from this real journey; like every generated doc they are rewritten on request
     * only ({@code -Ddeskframe.screenshots.write=true}), so a normal build does not dirty the work tree.
     */
    private static void screenshot(Page page, String name) throws Exception {
        Path png = Path.of("target", "screenshots", name);
        page.screenshot(new Page.ScreenshotOptions().setPath(png));
        assertThat(Files.size(png)).isPositive();
        if (Boolean.getBoolean("deskframe.screenshots.write")) {
            String configured = System.getProperty("deskframe.docs");
            Path committed = (configured != null ? Path.of(configured) : Path.of("..", "docs")).resolve("images").resolve(name);
            Files.createDirectories(committed.getParent());
            Files.copy(png, committed, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
