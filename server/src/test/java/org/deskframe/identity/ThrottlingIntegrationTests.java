package org.deskframe.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import java.net.URI;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deskframe.testing.TestClient.Reply;
import org.junit.jupiter.api.Test;

/**
 * Password guessing is throttled per identity: after five consecutive failures each attempt waits exponentially
 * longer, and while an identity waits even the right password is refused with {@code auth.throttled}. The tests
 * fail until the wait is several seconds long, so that the final attempt is certainly inside it.
 */
class ThrottlingIntegrationTests extends AuthorizationServerTest {

    private static final Pattern RETRY_IN = Pattern.compile("try again in (\\d+) seconds");

    @Test
    void afterRepeatedFailedSignInsEvenTheRightPasswordIsRefusedAsThrottled() {
        Agent agent = newAgent("demo");
        AgentBrowser browser = new AgentBrowser(BASE);
        failUntilThrottledForSeconds(4, () -> retryAfter(signInError(browser, agent.username(), "wrong-password")));

        String error = signInError(browser, agent.username(), password(agent.username()));

        assertThat(error).contains("auth.throttled").contains(agent.username()).contains("try again in");
    }

    @Test
    void aThrottledAgentCannotCompleteTheCodeFlow() {
        Agent agent = newAgent("demo");
        failUntilThrottledForSeconds(4, () -> retryAfter(signInError(new AgentBrowser(BASE), agent.username(), "wrong-password")));

        CodeFlow flow = codeFlow("demo-backend", agent.username(), password(agent.username()));

        assertThat(flow.landing().status()).isEqualTo(429);
        assertThat(flow.landing().location()).as("no redirect, so no code").isNull();
        assertThat(flow.landing().body()).contains("auth.throttled");
    }

    @Test
    void throttlingOneAgentLeavesOtherAgentsAlone() {
        Agent locked = newAgent("demo");
        Agent other = newAgent("demo");
        failUntilThrottledForSeconds(2, () -> retryAfter(signInError(new AgentBrowser(BASE), locked.username(), "wrong-password")));

        assertThat(signInError(new AgentBrowser(BASE), other.username(), password(other.username()))).isNull();
    }

    @Test
    void afterRepeatedBadClientSecretsTheClientGets429WithRetryAfterEvenWithTheRightSecret() {
        OAuthClient client = newClient("demo");
        failUntilThrottledForSeconds(4, () -> {
            Reply r = clientCredentials(client.clientId(), "wrong-secret-0123456789abcdef-0123");
            if (r.status() == 401) {
                assertThat(r.json().get("error").asString()).isEqualTo("invalid_client");
                return OptionalLong.empty();
            }
            assertThat(r.status()).isEqualTo(429);
            return OptionalLong.of(Long.parseLong(r.header("Retry-After")));
        });

        Reply refused = clientCredentials(client.clientId(), demoSecret(client.clientId()));

        assertThat(refused.status()).isEqualTo(429);
        assertThat(Long.parseLong(refused.header("Retry-After"))).isPositive();
        assertThat(refused.header("Cache-Control")).contains("no-store");
        assertThat(refused.json().get("error").asString()).isEqualTo("invalid_client");
        assertThat(refused.json().get("code").asString()).isEqualTo("auth.throttled");
        assertThat(refused.json().get("hint").asString()).isNotBlank();
        assertThat(refused.json().get("message").asString()).contains(client.clientId());
    }

    @Test
    void aThrottledClientIsRefusedWhateverWayItAuthenticates() {
        OAuthClient client = newClient("demo");
        failUntilThrottledForSeconds(4, () -> {
            Reply r = clientCredentials(client.clientId(), "wrong-secret-0123456789abcdef-0123");
            return r.status() == 429 ? OptionalLong.of(Long.parseLong(r.header("Retry-After"))) : OptionalLong.empty();
        });

        Reply post = http.form("/oauth2/token", null, null, Map.of("grant_type", "client_credentials",
                "client_id", client.clientId(), "client_secret", demoSecret(client.clientId())));
        Exchange nimbus = token(basic(client.clientId()), new ClientCredentialsGrant(), null);

        assertThat(post.status()).isEqualTo(429);
        assertThat(nimbus.http().getStatusCode()).isEqualTo(429);
    }

    @Test
    void throttlingOneClientLeavesOtherClientsAlone() {
        OAuthClient locked = newClient("demo");
        OAuthClient other = newClient("demo");
        failUntilThrottledForSeconds(2, () -> {
            Reply r = clientCredentials(locked.clientId(), "wrong-secret-0123456789abcdef-0123");
            return r.status() == 429 ? OptionalLong.of(Long.parseLong(r.header("Retry-After"))) : OptionalLong.empty();
        });

        assertThat(clientCredentials(other.clientId(), demoSecret(other.clientId())).status()).isEqualTo(200);
    }

    /** Keeps failing until the identity is throttled for at least {@code seconds}, waiting out shorter backoffs. */
    private static void failUntilThrottledForSeconds(long seconds, Supplier<OptionalLong> badAttempt) {
        for (int i = 0; i < 40; i++) {
            OptionalLong wait = badAttempt.get();
            if (wait.isPresent() && wait.getAsLong() >= seconds) return;
            if (wait.isPresent()) sleep(wait.getAsLong() * 1000 + 200);
        }
        throw new AssertionError("never throttled for " + seconds + " s");
    }

    private Reply clientCredentials(String clientId, String secret) {
        return http.form("/oauth2/token", clientId, secret, Map.of("grant_type", "client_credentials"));
    }

    /** Signs in; returns the error the login page then shows, or null when the sign-in succeeded. */
    private static String signInError(AgentBrowser browser, String username, String password) {
        AgentBrowser.Page result = browser.signIn(username, password);
        if (result.status() == 429) {
            assertThat(result.header("Retry-After")).isNotBlank();
            return org.springframework.web.util.HtmlUtils.htmlUnescape(result.body());
        }
        if (!result.redirectsTo("/login") || result.location().getQuery() == null || !result.location().getQuery().contains("error")) {
            return null;
        }
        AgentBrowser.Page page = browser.get(URI.create(BASE + "/login?error"));
        return org.springframework.web.util.HtmlUtils.htmlUnescape(page.body());
    }

    private static OptionalLong retryAfter(String loginError) {
        if (loginError == null || !loginError.contains("auth.throttled")) return OptionalLong.empty();
        Matcher m = RETRY_IN.matcher(loginError);
        return m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.of(1);
    }

    /** Waiting out a backoff: the server's clock moves on instead of the test sleeping. */
    private static void sleep(long millis) {
        clock.advance(java.time.Duration.ofMillis(millis));
    }

    private static org.deskframe.testing.ShiftedClock clock;

    @org.springframework.beans.factory.annotation.Autowired
    void useClock(org.deskframe.testing.ShiftedClock shared) {
        clock = shared;
    }

    @org.junit.jupiter.api.AfterEach
    void clockBack() {
        clock.reset();
    }
}
