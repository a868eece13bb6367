package org.deskframe.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.deskframe.e2e.EmbeddedWidgets.awaitState;

import com.microsoft.playwright.FrameLocator;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import java.util.Map;
import org.deskframe.e2e.Browser.AgentPage;
import org.deskframe.identity.Agent;
import org.deskframe.routing.AgentDesk;
import org.deskframe.routing.RoutingFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The supervisor widget in real Chromium: a customer waiting shows up in the queue's row, leaves "waiting" when an
 * agent accepts, the live region says so, and the page passes the accessibility audit.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SupervisorBrowserIntegrationTests {

    private AgentDesktop desktop;
    private Platform platform;
    private Browser browser;

    @BeforeAll
    void start() throws Exception {
        PlaywrightAssertions.setDefaultAssertionTimeout(15_000);
        desktop = new AgentDesktop();
        platform = new Platform("http://localhost:" + desktop.port, Map.of());
        desktop.platform(platform.base());
        browser = new Browser();
    }

    @AfterAll
    void stop() {
        if (browser != null) browser.close();
        if (desktop != null) desktop.close();
        if (platform != null) platform.close();
    }

    @Test
    void aWaitingConversationShowsLiveAndLeavesWaitingWhenAnAgentAccepts() {
        RoutingFixture fx = new RoutingFixture(platform.context(), platform.base());
        String queue = fx.queue(RoutingFixture.offersFor(30));
        try (AgentPage sup = browser.openForAudit(desktop.origin() + "/desktop?agent=agent1&widgets=supervisor", p -> { })) {
            awaitState(sup.page(), "supervisor", "ready");
            FrameLocator view = sup.page().frameLocator("iframe[title='Deskframe supervisor']");
            Locator row = view.locator("tr[data-queue='" + queue + "']");
            assertThat(row.locator(".df-waiting")).hasText("0");
            assertThat(view.locator("th[scope=col]").first()).hasText("Queue");
            assertThat(row.locator("th[scope=row]")).hasText("Queue " + queue);

            String conversation = fx.customerConversation(queue);
            assertThat(row.locator(".df-waiting")).hasText("1");
            assertThat(view.locator("#df-announce")).hasText("1 waiting in Queue " + queue + ".");
            assertThat(row.locator(".df-longest time")).isVisible();
            AccessibilityAudit.assertNoSeriousFindings(sup.page(), "the supervisor view with a waiting conversation");

            Agent agent = fx.agent(queue, 2);
            try (AgentDesk desk = fx.connect(agent, true)) {
                org.assertj.core.api.Assertions.assertThat(desk.nextOp("conversation_offered").get("conversation").asString())
                        .isEqualTo(conversation);
                assertThat(row.locator(".df-offered")).hasText("1");
                desk.command("op", "accept", "conversation", conversation);
                assertThat(row.locator(".df-waiting")).hasText("0");
                assertThat(row.locator(".df-assigned")).hasText("1");
                assertThat(row.locator(".df-longest")).hasText("—");
                assertThat(row.locator("li[data-agent='" + agent.id() + "']")).hasText("Agent " + agent.id() + " (available): 1 / 2");
                assertThat(row.locator(".df-presence")).hasText("1 available");
                assertThat(view.locator("#df-announce")).hasText("0 waiting in Queue " + queue + ".");
            }
        }
    }
}
