package org.deskframe.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import java.time.Duration;
import org.deskframe.testing.TestClient.Reply;
import org.deskframe.testing.ShiftedClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/**
 * Refresh tokens rotate on every use; presenting a rotated one again is either a client's concurrent retry (within
 * the leeway: refused, nothing revoked) or a stolen copy (after it: the whole family is revoked, access tokens too).
 * The test server runs with a 2 s leeway.
 */
class RefreshTokenRotationIntegrationTests extends AuthorizationServerTest {

    @Value("${deskframe.identity.refresh-reuse-leeway}")
    Duration leeway;

    @Autowired
    ShiftedClock clock;

    /** The detector's clock moves past the leeway instead of the test sleeping through it. */
    private void afterTheLeeway() {
        clock.shift(leeway.plusSeconds(1));
    }

    @AfterEach
    void clockBack() {
        clock.reset();
    }

    @Test
    void everyRefreshReturnsANewAccessTokenAndANewRefreshToken() {
        Agent agent = newAgent("demo");
        Exchange first = codeFlowTokens("demo-backend", agent.username(), password(agent.username()));

        Exchange second = refresh("demo-backend", first.refreshToken());
        Exchange third = refresh("demo-backend", second.refreshToken());

        assertThat(second.ok()).as(second.http().getBody()).isTrue();
        assertThat(third.ok()).as(third.http().getBody()).isTrue();
        assertThat(second.refreshToken()).isNotNull().isNotEqualTo(first.refreshToken());
        assertThat(third.refreshToken()).isNotNull().isNotEqualTo(second.refreshToken());
        assertThat(second.accessToken()).isNotEqualTo(first.accessToken());
        assertThat(third.accessToken().getScope().toStringList()).containsExactlyInAnyOrder("messaging:read", "messaging:write");
        assertThat(third.http().getHeaderValue("Cache-Control")).contains("no-store");
        assertThat(http.get("/api/v2/tokens/me", third.accessToken().getValue()).status()).isEqualTo(200);
    }

    @Test
    void aRotatedRefreshTokenIsRememberedUntilTheMomentItWouldHaveExpired() {
        Agent agent = newAgent("demo");
        Exchange first = codeFlowTokens("demo-backend", agent.username(), password(agent.username()));
        java.time.Instant before = java.time.Instant.now();
        refresh("demo-backend", first.refreshToken());

        var rows = jdbc.sql("select h.rotated_at, h.expires_at from refresh_token_history h join oauth2_authorization a "
                        + "on a.id = h.authorization_id where a.principal_name = ?")
                .param(agent.username())
                .query((rs, n) -> new java.time.Instant[] {rs.getTimestamp(1).toInstant(), rs.getTimestamp(2).toInstant()})
                .list();
        assertThat(rows).hasSize(1);
        // demo-backend's refresh tokens live 8 hours: the rotated one's own expiry, not a fixed retention, bounds the record.
        Duration kept = Duration.between(before, rows.getFirst()[1]);
        assertThat(kept).isBetween(Duration.ofHours(8).minusMinutes(5), Duration.ofHours(8).plusMinutes(1));
    }

    @Test
    void whenARotatedRefreshTokenIsReplayedWithinTheLeewayThenItIsRefusedAndNothingIsRevoked() {
        Agent agent = newAgent("demo");
        Exchange first = codeFlowTokens("demo-backend", agent.username(), password(agent.username()));
        Exchange second = refresh("demo-backend", first.refreshToken());

        Exchange replay = refresh("demo-backend", first.refreshToken());

        assertThat(replay.error()).isEqualTo("invalid_grant");
        assertThat(replay.errorDescription()).contains("latest");
        assertThat(replay.code()).isEqualTo("refresh.rotated");
        assertThat(replay.field("hint")).contains("latest token response");
        assertThat(http.get("/api/v2/tokens/me", first.accessToken().getValue()).status()).isEqualTo(200);
        assertThat(http.get("/api/v2/tokens/me", second.accessToken().getValue()).status()).isEqualTo(200);
        assertThat(refresh("demo-backend", second.refreshToken()).ok()).as("the current refresh token still works").isTrue();
    }

    @Test
    void whenARotatedRefreshTokenIsReplayedAfterTheLeewayThenTheWholeFamilyIsRevoked() {
        Agent agent = newAgent("demo");
        Exchange first = codeFlowTokens("demo-backend", agent.username(), password(agent.username()));
        Exchange second = refresh("demo-backend", first.refreshToken());
        Exchange third = refresh("demo-backend", second.refreshToken());
        afterTheLeeway();

        Exchange replay = refresh("demo-backend", first.refreshToken());

        assertThat(replay.error()).isEqualTo("invalid_grant");
        assertThat(replay.errorDescription()).containsIgnoringCase("reuse");
        assertThat(replay.code()).isEqualTo("refresh.reused");
        assertThat(replay.field("hint")).contains("sign in again");
        assertThat(refresh("demo-backend", third.refreshToken()).error()).as("the current refresh token is revoked").isEqualTo("invalid_grant");
        for (Exchange issued : new Exchange[] {first, second, third}) {
            Reply me = http.get("/api/v2/tokens/me", issued.accessToken().getValue());
            assertThat(me.status()).isEqualTo(401);
            assertThat(me.json().get("code").asString()).isEqualTo("token.revoked");
        }
    }

    @Test
    void aFamilyRevokedForReuseLeavesTheAgentsOtherSessionsAlone() {
        Agent agent = newAgent("demo");
        Exchange stolen = codeFlowTokens("demo-backend", agent.username(), password(agent.username()));
        Exchange otherSession = codeFlowTokens("demo-backend", agent.username(), password(agent.username()));
        refresh("demo-backend", stolen.refreshToken());
        afterTheLeeway();

        assertThat(refresh("demo-backend", stolen.refreshToken()).error()).isEqualTo("invalid_grant");

        assertThat(http.get("/api/v2/tokens/me", otherSession.accessToken().getValue()).status()).isEqualTo(200);
        assertThat(refresh("demo-backend", otherSession.refreshToken()).ok()).isTrue();
    }

    @Test
    void concurrentRetriesOfOneRefreshTokenOnTheEmbeddedDatabaseRedeemItOnce() throws Exception {
        Agent agent = newAgent("demo");
        String refreshToken = codeFlowTokens("demo-backend", agent.username(), password(agent.username())).refreshToken().getValue();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            var go = new java.util.concurrent.CountDownLatch(1);
            var futures = new java.util.ArrayList<java.util.concurrent.Future<Reply>>();
            for (int i = 0; i < 6; i++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return http.form("/oauth2/token", "demo-backend", demoSecret("demo-backend"),
                            java.util.Map.of("grant_type", "refresh_token", "refresh_token", refreshToken));
                }));
            }
            go.countDown();
            var replies = new java.util.ArrayList<Reply>();
            for (var f : futures) replies.add(f.get());
            assertThat(replies.stream().filter(r -> r.status() == 200)).as(replies.toString()).hasSize(1);
            assertThat(replies.stream().filter(r -> r.status() != 200).map(r -> r.json().get("code").asString()))
                    .as(replies.toString()).hasSize(5).containsOnly("refresh.rotated");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRefreshTokenIsBoundToItsClient() {
        Agent agent = newAgent("demo");
        Exchange tokens = codeFlowTokens("demo-backend", agent.username(), password(agent.username()));

        assertThat(refresh("demo-noembed", tokens.refreshToken()).error()).isEqualTo("invalid_grant");
        assertThat(refresh("acme-backend", tokens.refreshToken()).error()).isEqualTo("invalid_grant");
    }

    @Test
    void whenTheAgentHasBeenDisabledThenRefreshIsRefused() {
        Agent agent = newAgent("demo");
        Exchange tokens = codeFlowTokens("demo-backend", agent.username(), password(agent.username()));
        agents.update(agent.id(), new AgentDirectory.AgentChange(null, null, null, false));

        Exchange refused = refresh("demo-backend", tokens.refreshToken());

        assertThat(refused.error()).isEqualTo("invalid_grant");
        assertThat(refused.errorDescription()).contains("disabled");
        assertThat(refused.code()).isEqualTo("agent.disabled");
        assertThat(refused.field("agent")).isEqualTo(agent.id());
    }

    @Test
    void anUnknownRefreshTokenIsRefused() {
        assertThat(refresh("demo-backend", new RefreshToken()).error()).isEqualTo("invalid_grant");
    }

    private static Exchange refresh(String clientId, RefreshToken refreshToken) {
        return token(basic(clientId), new RefreshTokenGrant(refreshToken), null);
    }
}
