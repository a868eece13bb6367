package org.deskframe.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.deskframe.e2e.EmbeddedWidgets.message;
import static org.deskframe.e2e.EmbeddedWidgets.messaging;
import static org.deskframe.e2e.EmbeddedWidgets.awaitState;
import static org.deskframe.e2e.EmbeddedWidgets.send;

import com.microsoft.playwright.FrameLocator;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deskframe.e2e.Browser.AgentPage;
import org.deskframe.testing.PostgresSchema;
import org.deskframe.testing.PrivatePostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The messaging widget through a database outage in a real browser: the platform runs on a PostgreSQL of this test's
 * own, which the test stops while an agent sends. The send is refused with {@code storage.unavailable}; the widget says
 * it will send it again and when, keeps it pending, and sends it again by itself once the database is back: it is
 * stored once and reaches the other agent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StorageOutageBrowserIntegrationTests {

    private PrivatePostgres postgres;
    private PostgresSchema schema;
    private AgentDesktop desktop;
    private Platform platform;
    private Browser browser;

    @BeforeAll
    void start() throws Exception {
        PlaywrightAssertions.setDefaultAssertionTimeout(20_000);
        postgres = new PrivatePostgres().start();
        schema = postgres.schema("e2e_outage");
        Map<String, Object> props = new LinkedHashMap<>(schema.properties());
        // A send waits at most a second for a connection while the database is away (Hikari's default: 30 s).
        props.put("spring.datasource.hikari.connection-timeout", "1000");
        props.put("spring.datasource.hikari.validation-timeout", "500");
        desktop = new AgentDesktop();
        platform = new Platform("http://localhost:" + desktop.port, props);
        desktop.platform(platform.base());
        browser = new Browser();
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) browser.close();
        if (desktop != null) desktop.close();
        if (platform != null) platform.close();
        if (postgres != null) postgres.close();
    }

    @Test
    void aMessageSentWhileTheDatabaseIsAwayIsSentAgainByTheWidgetOnceItIsBackAndStoredOnce() throws Exception {
        try (AgentPage one = browser.open(desktop.origin() + "/desktop?agent=agent1");
             AgentPage two = browser.open(desktop.origin() + "/desktop?agent=agent2")) {
            awaitState(one.page(), "messaging", "ready");
            awaitState(two.page(), "messaging", "ready");
            FrameLocator m1 = messaging(one.page());
            FrameLocator m2 = messaging(two.page());
            m1.locator("#df-new-agents").fill("agent2");
            m1.locator("#df-new-subject").fill("Outage 7");
            m1.locator("#df-new-subject").press("Enter");
            assertThat(m1.locator("#df-title")).hasText("Outage 7");
            send(m1, "before the outage");
            m2.locator("button.df-conversation", new FrameLocator.LocatorOptions().setHasText("Outage 7")).click();
            assertThat(message(m2, "before the outage")).isVisible();

            postgres.stop();
            try {
                send(m1, "sent while the database is away");
                // Refused as storage.unavailable: the widget says so, with when it sends it again, and keeps it pending.
                assertThat(m1.locator("#df-notice")).containsText("Not sent yet");
                assertThat(m1.locator("#df-notice")).containsText("Sending it again at");
                assertThat(m1.locator(".df-message.df-pending", new FrameLocator.LocatorOptions()
                        .setHasText("sent while the database is away"))).hasCount(1);
                assertThat(one.page().evaluate("() => (window.deskframe || window.df).status()['messaging'].state"))
                        .as("the session stays open").isEqualTo("ready");
            } finally {
                postgres.start();
            }

            // Back: sent again by the widget itself, acknowledged, delivered once.
            assertThat(message(m1, "sent while the database is away")).isVisible();
            assertThat(message(m2, "sent while the database is away")).isVisible();
            assertThat(m1.locator(".df-message.df-pending")).hasCount(0);
            assertThat(message(m2, "sent while the database is away")).hasCount(1);
            List<String> stored = JdbcClient.create(platform.context().getBean(javax.sql.DataSource.class))
                    .sql("select m.body from messages m join conversations c on c.id = m.conversation_id where c.subject = ? order by m.seq")
                    .param("Outage 7").query(String.class).list();
            assertThat(stored).containsExactly("before the outage", "sent while the database is away");
        }
    }
}
