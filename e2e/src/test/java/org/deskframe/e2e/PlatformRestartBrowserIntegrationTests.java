package org.deskframe.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.deskframe.e2e.EmbeddedWidgets.message;
import static org.deskframe.e2e.EmbeddedWidgets.messaging;
import static org.deskframe.e2e.EmbeddedWidgets.awaitState;
import static org.deskframe.e2e.EmbeddedWidgets.awaitTrue;
import static org.deskframe.e2e.EmbeddedWidgets.send;

import com.microsoft.playwright.FrameLocator;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.deskframe.e2e.Browser.AgentPage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * docs/embedding.md step 7 in a real browser: the platform restarts mid-conversation (on its file database, like the
 * embedded default); the widget shows it is reconnecting, comes back by itself, resumes what it missed, and sends what
 * the agent typed while it was down, exactly once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlatformRestartBrowserIntegrationTests {

    private AgentDesktop desktop;
    private Platform platform;
    private Browser browser;

    @BeforeAll
    void start() throws Exception {
        PlaywrightAssertions.setDefaultAssertionTimeout(20_000);
        desktop = new AgentDesktop();
        platform = new Platform("http://localhost:" + desktop.port, Map.of(
                "spring.datasource.url", "jdbc:h2:file:" + Files.createTempDirectory("deskframe-e2e-restart") + "/deskframe",
                "deskframe.gateway.max-connections-per-agent", "50"));
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
    void afterARestartTheWidgetReconnectsResumesAndSendsWhatWasTypedOfflineExactlyOnce() throws Exception {
        try (AgentPage one = browser.open(desktop.origin() + "/desktop?agent=agent1");
             AgentPage two = browser.open(desktop.origin() + "/desktop?agent=agent2")) {
            awaitState(one.page(), "messaging", "ready");
            awaitState(two.page(), "messaging", "ready");
            FrameLocator m1 = messaging(one.page());
            FrameLocator m2 = messaging(two.page());
            m1.locator("#df-new-agents").fill("agent2");
            m1.locator("#df-new-subject").fill("Restart 42");
            m1.locator("#df-new-subject").press("Enter");
            assertThat(m1.locator("#df-title")).hasText("Restart 42");
            send(m1, "before the restart");
            m2.locator("button.df-conversation", new FrameLocator.LocatorOptions().setHasText("Restart 42")).click();
            assertThat(message(m2, "before the restart")).isVisible();

            platform.restart(() -> {
                // While the platform is down: both widgets say so, and agent1 goes on typing.
                awaitState(one.page(), "messaging", "reconnecting");
                awaitState(two.page(), "messaging", "reconnecting");
                send(m1, "typed while offline");
            });

            // Back by themselves (backoff, then resume), no reload.
            awaitState(one.page(), "messaging", "ready");
            awaitState(two.page(), "messaging", "ready");
            assertThat(message(m2, "typed while offline")).isVisible();
            assertThat(message(m1, "typed while offline")).isVisible();
            // And what is sent after the restart flows both ways as before.
            send(m2, "after the restart");
            assertThat(message(m1, "after the restart")).isVisible();

            // Exactly once, on screen and in the conversation's history.
            assertThat(message(m2, "typed while offline")).hasCount(1);
            assertThat(message(m1, "typed while offline")).hasCount(1);
            assertThat(m1.locator(".df-message.df-pending")).hasCount(0);
            awaitTrue(one.page(), "() => window.events.some(e => e.type === 'reconnected' && e.widget === 'messaging')");
            List<String> texts = historyTexts("agent2", "Restart 42");
            assertThat(texts).containsExactly("before the restart", "typed while offline", "after the restart");
        }
    }

    /** The texts of the conversation with {@code subject}, in sequence order, from the history API as {@code agent}. */
    private List<String> historyTexts(String agent, String subject) throws Exception {
        ObjectMapper json = new ObjectMapper();
        HttpClient http = HttpClient.newHttpClient();
        // The token as the desktop's own backend hands it to its widgets.
        String token = json.readTree(http.send(HttpRequest.newBuilder(URI.create(desktop.origin() + "/token?agent=" + agent)).build(),
                HttpResponse.BodyHandlers.ofString()).body()).get("access_token").asString();
        JsonNode list = json.readTree(http.send(HttpRequest.newBuilder(URI.create(platform.base() + "/api/v2/conversations"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).body());
        String id = null;
        for (JsonNode c : list.get("conversations")) if (subject.equals(c.path("subject").asString())) id = c.get("id").asString();
        assertThat(id).as(list.toString()).isNotNull();
        JsonNode page = json.readTree(http.send(HttpRequest.newBuilder(URI.create(platform.base() + "/api/v2/conversations/" + id + "/messages"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).body());
        return java.util.stream.StreamSupport.stream(page.get("messages").spliterator(), false)
                .map(m -> m.get("text").asString()).toList();
    }
}
