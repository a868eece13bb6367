package org.deskframe.broker;

import org.deskframe.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.deskframe.broker.FakeTokenEndpoint.Answer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AgentTokenBrokerTests {

    static final String SECRET = "demo-backend-secret-0123456789abcdef";

    FakeTokenEndpoint endpoint;
    MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    List<Duration> sleeps = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        endpoint = new FakeTokenEndpoint();
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    AgentTokenBroker.Builder broker() {
        return AgentTokenBroker.builder(endpoint.base(), "demo-backend", SECRET).hs256Assertions().clock(clock)
                .sleeper(sleeps::add);
    }

    @Test
    void whenAskedTwiceForTheSameAgentAndScopesThenOneRequestIsMade() {
        AgentTokenBroker broker = broker().build();
        AgentToken first = broker.token("agent1", "messaging:write", "messaging:read");
        AgentToken second = broker.token("agent1", "messaging:read", "messaging:write", "messaging:read");
        assertThat(second.value()).isEqualTo(first.value());
        assertThat(endpoint.requests()).hasSize(1);
        assertThat(first.agent()).isEqualTo("agent1");
        assertThat(first.expiresAt()).isEqualTo(clock.instant().plusSeconds(300));
        assertThat(first.scopes()).containsExactly("messaging:read", "messaging:write");

        broker.token("agent1", "voice");
        broker.token("agent2", "messaging:read", "messaging:write");
        assertThat(endpoint.requests()).hasSize(3);
        assertThat(endpoint.requests().get(0).params()).containsEntry("scope", "messaging:read messaging:write");
    }

    @Test
    void jwtBearerRequestCarriesAFreshHs256AssertionAndBasicClientAuthentication() throws Exception {
        AgentTokenBroker broker = broker().build();
        broker.token("agent1", "messaging:read");
        broker.invalidate("agent1");
        broker.token("agent1", "messaging:read");

        var requests = endpoint.requests();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(0).authorization()).isEqualTo("Basic " + Base64.getEncoder()
                .encodeToString(("demo-backend:" + SECRET).getBytes(StandardCharsets.UTF_8)));
        assertThat(requests.get(0).params()).containsEntry("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer");
        var jtis = new HashSet<String>();
        for (var r : requests) {
            SignedJWT assertion = SignedJWT.parse(r.params().get("assertion"));
            assertThat(assertion.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.HS256);
            assertThat(assertion.verify(new MACVerifier(SECRET.getBytes(StandardCharsets.UTF_8)))).isTrue();
            JWTClaimsSet claims = assertion.getJWTClaimsSet();
            assertThat(claims.getIssuer()).isEqualTo("demo-backend");
            assertThat(claims.getSubject()).isEqualTo("agent1");
            assertThat(claims.getAudience()).containsExactly(endpoint.tokenUri().toString());
            assertThat(claims.getIssueTime().toInstant()).isEqualTo(clock.instant());
            assertThat(Duration.between(claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant()))
                    .isPositive().isLessThanOrEqualTo(Duration.ofMinutes(5));
            jtis.add(claims.getJWTID());
        }
        assertThat(jtis).hasSize(2);
    }

    @Test
    void rs256AndEs256AssertionsAreSignedWithThePrivateKeyAndCarryItsKid() throws Exception {
        RSAKey rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        AgentTokenBroker.builder(endpoint.base(), "demo-backend", SECRET).clock(clock)
                .assertionSigner(AssertionSigner.rs256(rsa.toRSAPrivateKey(), "rsa-1")).build().token("agent1");
        AgentTokenBroker.builder(endpoint.base(), "demo-backend", SECRET).clock(clock)
                .assertionSigner(AssertionSigner.fromPrivateJwk(ec.toJSONString())).build().token("agent1");

        SignedJWT rs = SignedJWT.parse(endpoint.requests().get(0).params().get("assertion"));
        assertThat(rs.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(rs.getHeader().getKeyID()).isEqualTo("rsa-1");
        assertThat(rs.verify(new RSASSAVerifier(rsa.toPublicJWK()))).isTrue();
        SignedJWT es = SignedJWT.parse(endpoint.requests().get(1).params().get("assertion"));
        assertThat(es.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(es.getHeader().getKeyID()).isEqualTo("ec-1");
        assertThat(es.verify(new ECDSAVerifier(ec.toPublicJWK()))).isTrue();
    }

    @Test
    void whenATokenNearsExpiryThenItIsReplacedAheadOfTime() {
        AgentTokenBroker broker = broker().refreshMargin(Duration.ofSeconds(60)).build();
        AgentToken first = broker.token("agent1");
        clock.advance(Duration.ofSeconds(239));
        assertThat(broker.token("agent1").value()).isEqualTo(first.value());
        clock.advance(Duration.ofSeconds(2)); // 59 s before expiry: inside the margin
        AgentToken second = broker.token("agent1");
        assertThat(second.value()).isNotEqualTo(first.value());
        assertThat(second.expiresAt()).isEqualTo(clock.instant().plusSeconds(300));
        assertThat(endpoint.requests()).hasSize(2);
    }

    @Test
    void whenTheTokenLivesShorterThanTwiceTheMarginThenItIsReplacedAtHalfLife() {
        endpoint.otherwise(r -> Answer.token("short-" + endpoint.requests().size(), 60));
        AgentTokenBroker broker = broker().refreshMargin(Duration.ofMinutes(5)).build();
        AgentToken first = broker.token("agent1");
        clock.advance(Duration.ofSeconds(29));
        assertThat(broker.token("agent1").value()).isEqualTo(first.value());
        clock.advance(Duration.ofSeconds(1));
        assertThat(broker.token("agent1").value()).isNotEqualTo(first.value());
    }

    @Test
    void whenManyCallersAskAtOnceThenOneRequestIsInFlight() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        endpoint.then(r -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Answer.token("the-one-token", 300);
        });
        AgentTokenBroker broker = broker().build();
        int callers = 32;
        CountDownLatch started = new CountDownLatch(callers);
        List<Future<AgentToken>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < callers; i++) {
                results.add(pool.submit(() -> {
                    started.countDown();
                    return broker.token("agent1", "messaging:read", "messaging:write");
                }));
            }
            started.await(5, TimeUnit.SECONDS);
            Thread.sleep(200); // let every caller reach the broker while the first request is held
            release.countDown();
            for (Future<AgentToken> f : results) {
                assertThat(f.get(10, TimeUnit.SECONDS).value()).isEqualTo("the-one-token");
            }
        }
        assertThat(endpoint.requests()).hasSize(1);
    }

    @Test
    void whenTheServerFailsTransientlyThenTheBrokerRetriesWithGrowingJitteredDelays() {
        endpoint.then(Answer.json(503, "{\"error\":\"server_error\"}"))
                .then(Answer.json(502, "<html>bad gateway</html>"))
                .then(Answer.json(500, "{\"error\":\"server_error\"}"));
        AgentTokenBroker broker = broker().retryPolicy(new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(1),
                Duration.ofSeconds(30))).build();
        AgentToken token = broker.token("agent1");
        assertThat(token.value()).startsWith("token-");
        assertThat(endpoint.requests()).hasSize(4);
        assertThat(sleeps).hasSize(3);
        assertThat(sleeps.get(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
        assertThat(sleeps.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
        assertThat(sleeps.get(2)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
        // Each attempt signs a new assertion: the platform refuses a jti it has seen.
        assertThat(endpoint.requests().stream().map(r -> r.params().get("assertion")).distinct()).hasSize(4);
    }

    @Test
    void backoffIsCappedAndJittered() {
        RetryPolicy p = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(800), Duration.ofSeconds(1));
        assertThat(p.backoff(1, 0.0)).isEqualTo(Duration.ofMillis(50));
        assertThat(p.backoff(1, 0.999)).isBetween(Duration.ofMillis(99), Duration.ofMillis(100));
        assertThat(p.backoff(3, 0.5)).isEqualTo(Duration.ofMillis(300));
        assertThat(p.backoff(9, 1.0)).isEqualTo(Duration.ofMillis(800));
        assertThat(p.backoff(60, 0.0)).isEqualTo(Duration.ofMillis(400));
    }

    @Test
    void whenThrottledThenTheBrokerWaitsRetryAfter() {
        endpoint.then(new Answer(429, "{\"error\":\"invalid_client\",\"code\":\"auth.throttled\",\"message\":\"Too many\"}",
                Map.of("Retry-After", "3")));
        AgentTokenBroker broker = broker().build();
        assertThat(broker.token("agent1").value()).startsWith("token-");
        assertThat(sleeps).containsExactly(Duration.ofSeconds(3));
    }

    @Test
    void whenRetryAfterIsLongerThanTheBrokerWaitsThenItReportsItAtOnce() {
        endpoint.then(new Answer(429, "{\"error\":\"invalid_client\",\"code\":\"auth.throttled\",\"message\":\"Too many failed sign-in attempts\",\"hint\":\"Wait\"}",
                Map.of("Retry-After", "120")));
        AgentTokenBroker broker = broker().build();
        assertThatThrownBy(() -> broker.token("agent1")).isInstanceOfSatisfying(TokenBrokerException.class, e -> {
            assertThat(e.isTransient()).isTrue();
            assertThat(e.code()).contains("auth.throttled");
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(120));
            assertThat(e.httpStatus()).isEqualTo(429);
            assertThat(e.attempts()).isEqualTo(1);
        });
        assertThat(sleeps).isEmpty();
    }

    @Test
    void whenThePlatformIsUnreachableThenRetriesRunOutWithATransientError() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        AgentTokenBroker broker = AgentTokenBroker.builder("http://127.0.0.1:" + deadPort, "demo-backend", SECRET)
                .hs256Assertions().sleeper(sleeps::add).build();
        assertThatThrownBy(() -> broker.token("agent1")).isInstanceOfSatisfying(TokenBrokerException.class, e -> {
            assertThat(e.isTransient()).isTrue();
            assertThat(e.httpStatus()).isZero();
            assertThat(e.attempts()).isEqualTo(RetryPolicy.DEFAULT.maxAttempts());
            assertThat(e.getMessage()).contains("could not be reached").contains("127.0.0.1:" + deadPort);
        });
        assertThat(sleeps).hasSize(RetryPolicy.DEFAULT.maxAttempts() - 1);
    }

    @Test
    void whenTheConnectionDropsThenTheBrokerRetries() {
        endpoint.then(r -> null);
        AgentTokenBroker broker = broker().build();
        assertThat(broker.token("agent1").value()).startsWith("token-");
        assertThat(endpoint.requests()).hasSize(2);
    }

    @Test
    void permanentErrorsCarryTheCatalogueCodeMessageAndHintWithoutRetry() {
        endpoint.then(Answer.json(400, """
                {"error":"invalid_scope","error_description":"scope.not_allowed: Scope admin not allowed",
                 "code":"scope.not_allowed","message":"Scope admin not allowed for OAuth client demo-backend.",
                 "hint":"Request only scopes of: messaging:read messaging:write."}"""));
        AgentTokenBroker broker = broker().build();
        assertThatThrownBy(() -> broker.token("agent1", "admin")).isInstanceOfSatisfying(TokenBrokerException.class, e -> {
            assertThat(e.isTransient()).isFalse();
            assertThat(e.error()).contains("invalid_scope");
            assertThat(e.code()).contains("scope.not_allowed");
            assertThat(e.serverMessage()).isEqualTo("Scope admin not allowed for OAuth client demo-backend.");
            assertThat(e.hint()).contains("Request only scopes of: messaging:read messaging:write.");
            assertThat(e.httpStatus()).isEqualTo(400);
            assertThat(e.key()).isEqualTo(AgentKey.of("agent1", List.of("admin")));
            assertThat(e.getMessage()).contains("[scope.not_allowed]").contains("Fix: Request only scopes");
        });
        assertThat(endpoint.requests()).hasSize(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void aPlainOAuthErrorIsReportedWithItsDescription() {
        endpoint.then(Answer.json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"sub 'ghost' is not an agent of organisation demo\"}"));
        assertThatThrownBy(() -> broker().build().token("ghost")).isInstanceOfSatisfying(TokenBrokerException.class, e -> {
            assertThat(e.error()).contains("invalid_grant");
            assertThat(e.code()).isEmpty();
            assertThat(e.serverMessage()).isEqualTo("sub 'ghost' is not an agent of organisation demo");
            assertThat(e.getMessage()).contains("[invalid_grant]").contains("ghost");
        });
    }

    @Test
    void whenARefreshFailsTransientlyThenTheStillValidTokenKeepsBeingServed() {
        AgentTokenBroker broker = broker().retryPolicy(RetryPolicy.NONE).build();
        AgentToken first = broker.token("agent1");
        clock.advance(Duration.ofSeconds(250)); // inside the margin, not expired
        endpoint.then(Answer.json(503, "{}"));
        assertThat(broker.token("agent1").value()).isEqualTo(first.value());
        assertThat(broker.token("agent1").value()).isNotEqualTo(first.value()); // the next call tries again
        clock.advance(Duration.ofSeconds(400)); // expired
        endpoint.then(Answer.json(503, "{}"));
        assertThatThrownBy(() -> broker.token("agent1")).isInstanceOf(TokenBrokerException.class);
    }

    @Test
    void refreshTokenAgentsRotateAndTheNewestRefreshTokenIsAlwaysKept() {
        endpoint.otherwise(r -> {
            int n = endpoint.requests().size();
            return Answer.json(200, "{\"access_token\":\"at-" + n + "\",\"expires_in\":300,\"refresh_token\":\"rt-" + n
                    + "\",\"scope\":\"messaging:read\"}");
        });
        RefreshTokenStore store = RefreshTokenStore.inMemory();
        AgentTokenBroker broker = AgentTokenBroker.builder(endpoint.base(), "demo-backend", SECRET).clock(clock)
                .refreshTokenStore(store).sleeper(sleeps::add).build();
        broker.useRefreshToken("agent1", "rt-0");
        assertThat(broker.token("agent1", "messaging:read").value()).isEqualTo("at-1");
        assertThat(store.find("agent1")).contains("rt-1");
        clock.advance(Duration.ofSeconds(280));
        assertThat(broker.token("agent1", "messaging:read").value()).isEqualTo("at-2");
        assertThat(store.find("agent1")).contains("rt-2");
        assertThat(endpoint.requests()).extracting(r -> r.params().get("refresh_token")).containsExactly("rt-0", "rt-1");
        assertThat(endpoint.requests().getFirst().params()).containsEntry("grant_type", "refresh_token")
                .doesNotContainKey("assertion");
    }

    @Test
    void whenTheRefreshTokenIsRefusedThenItIsDroppedAndTheErrorSaysSo() {
        endpoint.then(Answer.json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"This refresh token was rotated 3 s ago\"}"));
        RefreshTokenStore store = RefreshTokenStore.inMemory();
        AgentTokenBroker broker = AgentTokenBroker.builder(endpoint.base(), "demo-backend", SECRET).clock(clock)
                .refreshTokenStore(store).build();
        broker.useRefreshToken("agent1", "rt-old");
        assertThatThrownBy(() -> broker.token("agent1")).isInstanceOfSatisfying(TokenBrokerException.class,
                e -> assertThat(e.error()).contains("invalid_grant"));
        assertThat(store.find("agent1")).isEmpty();
        // No signer and no refresh token: a clear local error, no request.
        int before = endpoint.requests().size();
        assertThatThrownBy(() -> broker.token("agent1")).isInstanceOfSatisfying(TokenBrokerException.class, e -> {
            assertThat(e.getMessage()).contains("no assertion signer").contains("agent1");
            assertThat(e.hint()).hasValueSatisfying(h -> assertThat(h).contains("useRefreshToken"));
        });
        assertThat(endpoint.requests()).hasSize(before);
    }

    @Test
    void aShortClientSecretIsRefusedForHs256WithTheReason() {
        assertThatThrownBy(() -> AssertionSigner.hs256("too-short")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 32 bytes");
    }
}
