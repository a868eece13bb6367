package org.deskframe.broker;

import org.deskframe.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.deskframe.broker.FakeTokenEndpoint.Answer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Whatever happens, no access token, refresh token, assertion or secret appears in a log line or a toString. */
class TokenNeverLeaksTests {

    static final String SECRET = "super-secret-client-secret-0123456789";
    static final String ACCESS = "eyJhbGciOiJSUzI1NiJ9.ACCESS-TOKEN-VALUE.sig";
    static final String REFRESH = "REFRESH-TOKEN-VALUE";

    final List<String> logged = new CopyOnWriteArrayList<>();
    final Logger jul = Logger.getLogger(AgentTokenBroker.class.getName());
    final Handler capture = new Handler() {
        final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            logged.add(formatter.format(record));
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    Level previous;
    FakeTokenEndpoint endpoint;

    @BeforeEach
    void listen() throws Exception {
        previous = jul.getLevel();
        jul.setLevel(Level.ALL);
        jul.addHandler(capture);
        endpoint = new FakeTokenEndpoint();
    }

    @AfterEach
    void stopListening() {
        jul.removeHandler(capture);
        jul.setLevel(previous);
        endpoint.close();
    }

    @Test
    void tokensSecretsAndAssertionsNeverAppearInLogsOrToStrings() {
        endpoint.then(Answer.json(503, "{\"error\":\"server_error\"}"))
                .then(Answer.json(200, "{\"access_token\":\"" + ACCESS + "\",\"expires_in\":300,\"refresh_token\":\"" + REFRESH + "\"}"))
                .then(Answer.json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"refresh token expired\"}"))
                .then(Answer.json(400, "{\"error\":\"invalid_scope\",\"code\":\"scope.not_allowed\",\"message\":\"no\",\"hint\":\"fix\"}"));
        MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
        RefreshTokenStore store = RefreshTokenStore.inMemory();
        AgentTokenBroker broker = AgentTokenBroker.builder(endpoint.base(), "demo-backend", SECRET).hs256Assertions()
                .clock(clock).refreshTokenStore(store).sleeper(d -> {}).build();

        broker.useRefreshToken("agent1", "FIRST-" + REFRESH);
        AgentToken token = broker.token("agent1", "messaging:read");
        assertThat(token.value()).isEqualTo(ACCESS);
        assertThat(store.find("agent1")).contains(REFRESH);
        clock.advance(Duration.ofMinutes(10));
        TokenBrokerException refused = catchBrokerError(() -> broker.token("agent1", "messaging:read"));
        TokenBrokerException scope = catchBrokerError(() -> broker.token("agent2", "admin"));

        List<String> assertions = endpoint.requests().stream().map(r -> r.params().get("assertion")).filter(a -> a != null).toList();
        assertThat(assertions).isNotEmpty();
        assertThat(logged).as("the broker logs what it does").isNotEmpty();
        List<String> texts = new java.util.ArrayList<>(logged);
        texts.addAll(List.of(token.toString(), refused.toString(), refused.getMessage(), scope.toString(), broker.toString(),
                store.toString(), AssertionSigner.hs256(SECRET).toString(), String.valueOf(token.hashCode())));
        for (String text : texts) {
            assertThat(text).doesNotContain(ACCESS).doesNotContain("ACCESS-TOKEN-VALUE").doesNotContain(REFRESH)
                    .doesNotContain(SECRET).doesNotContain("FIRST-");
            for (String assertion : assertions) assertThat(text).doesNotContain(assertion);
        }
        assertThat(token.toString()).contains("agent1").contains("<redacted>");
    }

    @Test
    void theAccessTokenValueIsOnlyReachableThroughValue() {
        AgentToken token = new AgentToken(ACCESS, Instant.EPOCH, List.of("voice"), "agent1");
        assertThat(token.toString()).doesNotContain(ACCESS);
        assertThat(new TokenEndpoint.Granted(ACCESS, Instant.EPOCH, List.of(), REFRESH).toString())
                .doesNotContain(ACCESS).doesNotContain(REFRESH);
        assertThat(Map.of("token", token).toString()).doesNotContain(ACCESS);
    }

    private static TokenBrokerException catchBrokerError(Runnable r) {
        try {
            r.run();
        } catch (TokenBrokerException e) {
            return e;
        }
        assertThatThrownBy(() -> {}).isInstanceOf(TokenBrokerException.class);
        return null;
    }
}
