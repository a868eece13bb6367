package org.deskframe.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.identity.AccessTokensRevoked;
import org.deskframe.identity.Agent;
import org.deskframe.identity.AgentChanged;
import org.deskframe.identity.AgentDisabled;
import org.deskframe.identity.IdentitySettings;
import org.deskframe.identity.OAuthClient;
import org.deskframe.identity.OAuthClientChanged;
import org.deskframe.identity.RegionSettings;
import org.deskframe.identity.SigningKeys;
import org.deskframe.identity.TokenLedger;
import org.deskframe.testing.InMemoryDirectories;
import org.deskframe.testing.MutableClock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The verifier's caches: a token seen again skips its fixed checks and this node's reads of identity, yet every live
 * check still holds (expiry, revocation, the agent and the client as identity has them, the published keys). Identity
 * here is in memory and counts its reads; time and the records' age are driven by hand. No Spring.
 */
class AccessTokenVerifierCacheTests {

    private static final String ISSUER = "https://local.deskframe.test";
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    private static final Duration STALENESS = Duration.ofMillis(500);

    private static RSAKey current;
    private static RSAKey next;

    private final Identity identity = new Identity();
    private final MutableClock clock = new MutableClock(NOW);
    private final AtomicLong nanos = new AtomicLong();
    private final Ticker ticker = nanos::get;
    private final AccessTokenVerifier verifier = new AccessTokenVerifier(new RegionSettings("local", ISSUER), identity.keys,
            identity, identity.clients, identity.agents, new IdentitySettings("k", null, Duration.ofSeconds(30), null, null, 0, null, null, 0),
            new TokenCheckSettings(100, STALENESS), clock, ticker);

    @BeforeAll
    static void keys() throws Exception {
        current = new RSAKeyGenerator(2048).keyID("current").generate();
        next = new RSAKeyGenerator(2048).keyID("next").generate();
    }

    @Test
    void aTokenCheckedAgainIsNotReadFromIdentityAgain() {
        String token = token("jti-1");
        VerifiedToken first = verifier.verify(token);
        VerifiedToken again = verifier.verify(token);

        assertThat(again).isEqualTo(first);
        assertThat(identity.reads()).containsExactlyInAnyOrderEntriesOf(Map.of("ledger", 1, "client", 1, "agent", 1));
    }

    @Test
    void aSecondTokenOfTheSameAgentReadsOnlyTheLedger() {
        verifier.verify(token("jti-1"));
        verifier.verify(token("jti-2"));

        assertThat(identity.reads()).containsExactlyInAnyOrderEntriesOf(Map.of("ledger", 2, "client", 1, "agent", 1));
    }

    @Test
    void whenIdentityRevokesACachedTokenThenTheNextCheckRefusesIt() {
        String token = token("jti-1");
        verifier.verify(token);

        identity.revoked.add("jti-1");
        verifier.on(new AccessTokensRevoked(Set.of("jti-1")));

        assertProblem(token, "token.revoked");
    }

    @Test
    void whenAnotherNodeRevokesACachedTokenThenTheClusterMessageEndsItAtOnce() {
        String token = token("jti-1");
        verifier.verify(token);

        identity.revoked.add("jti-1");
        verifier.liveAccess().tokensRevoked(Set.of("jti-1"));

        assertProblem(token, "token.revoked");
    }

    @Test
    void aRevocationNoMessageReportedIsHonouredOnceTheStalenessHasPassed() {
        String token = token("jti-1");
        verifier.verify(token);
        identity.revoked.add("jti-1");

        nanos.addAndGet(STALENESS.toNanos() - 1);
        assertThat(verifier.verify(token).jti()).isEqualTo("jti-1");
        nanos.addAndGet(1);
        assertProblem(token, "token.revoked");
    }

    @Test
    void aResynchronizedNodeReadsEveryRecordAgain() {
        String token = token("jti-1");
        verifier.verify(token);
        identity.revoked.add("jti-1");

        verifier.liveAccess().resynchronize(NOW);

        assertProblem(token, "token.revoked");
    }

    @Test
    void aCachedTokenExpiresOnTheClock() {
        String token = token("jti-1");
        verifier.verify(token);

        clock.advance(Duration.ofSeconds(600 + 31));

        assertProblem(token, "token.expired");
    }

    @Test
    void whenTheAgentIsDisabledThenItsCachedTokenNamesTheAgent() {
        String token = token("jti-1");
        verifier.verify(token);

        identity.agents.put(new Agent("a1", "demo", "agent1", null, "Agent", Set.of("agent"), false));
        verifier.on(new AgentDisabled("a1", "demo"));

        assertProblem(token, "agent.disabled");
    }

    @Test
    void aRevocationHeardBeforeTheAgentsDisablingStillNamesTheDisabledAgent() {
        String token = token("jti-1");
        verifier.verify(token);

        // Disabling revokes the agent's tokens; another node's messages may bring the revocation first.
        identity.agents.put(new Agent("a1", "demo", "agent1", null, "Agent", Set.of("agent"), false));
        identity.revoked.add("jti-1");
        verifier.liveAccess().tokensRevoked(Set.of("jti-1"));

        assertProblem(token, "agent.disabled");
    }

    @Test
    void aReEnabledAgentIsAcceptedWithoutWaitingForAnyMessage() {
        String token = token("jti-1");
        identity.agents.put(new Agent("a1", "demo", "agent1", null, "Agent", Set.of("agent"), false));
        assertProblem(token, "agent.disabled");

        identity.agents.put(new Agent("a1", "demo", "agent1", null, "Agent", Set.of("agent"), true));

        assertThat(verifier.verify(token).agentId()).isEqualTo("a1");
    }

    @Test
    void whenTheClientIsDisabledThenItsCachedTokenIsRefused() {
        String token = token("jti-1");
        verifier.verify(token);

        identity.clients.put(client(false, Set.of("messaging:read")));
        verifier.on(new OAuthClientChanged("backend", "demo"));

        assertProblem(token, "client.unknown");
    }

    @Test
    void aChangedClientOrAgentIsReadAgainOnTheNextCheck() {
        String token = token("jti-1");
        verifier.verify(token);

        identity.clients.put(client(true, Set.of("messaging:read", "voice", "video")));
        verifier.on(new OAuthClientChanged("backend", "demo"));
        identity.agents.put(new Agent("a1", "demo", "agent1", null, "Agent One", Set.of("agent", "supervisor"), true));
        verifier.on(new AgentChanged("a1", "demo"));

        AccessTokenVerifier.Checked checked = verifier.check(token);
        assertThat(checked.token().clientScopes()).contains("video");
        assertThat(checked.agent().roles()).contains("supervisor");
    }

    @Test
    void whenTheKeyIsNoLongerPublishedThenItsCachedTokensAreRefused() {
        String token = token("jti-1");
        verifier.verify(token);

        identity.keys.publish(next.toPublicJWK());

        assertProblem(token, "token.bad_signature");
    }

    @Test
    void aRotationThatKeepsTheKeyPublishedKeepsItsTokensValid() {
        String token = token("jti-1");
        verifier.verify(token);

        // A reload makes new key objects; the previous key stays published after one rotation.
        identity.keys.publish(next.toPublicJWK(), current.toPublicJWK());

        assertThat(verifier.verify(token).jti()).isEqualTo("jti-1");
    }

    @Test
    void aTokenAlteredByOneCharacterIsCheckedAfreshAndRefused() {
        String token = token("jti-1");
        verifier.verify(token);
        String[] parts = token.split("\\.");
        char last = parts[2].charAt(parts[2].length() - 2);
        String altered = parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 2)
                + (last == 'A' ? 'B' : 'A') + parts[2].charAt(parts[2].length() - 1);

        assertProblem(altered, "token.bad_signature");
    }

    private void assertProblem(String token, String code) {
        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(((ProblemException) e).problem().code()).isEqualTo(code));
    }

    private static OAuthClient client(boolean enabled, Set<String> scopes) {
        return new OAuthClient("backend", "demo", "Backend", Set.of("client_secret_basic"), Set.of("client_credentials"), Set.of(),
                scopes, Set.of(), Set.of("embed"), null, Duration.ofMinutes(15), Duration.ofHours(8), enabled);
    }

    private static String token(String jti) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).audience(ISSUER + "/api").subject("a1")
                .claim("org", "demo").claim("client_id", "backend").claim("region", "local").claim("scope", "messaging:read")
                .issueTime(Date.from(NOW)).expirationTime(Date.from(NOW.plusSeconds(600))).jwtID(jti).build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(new JOSEObjectType("at+jwt"))
                    .keyID(current.getKeyID()).build(), claims);
            jwt.sign(new RSASSASigner(current));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Identity in memory: a ledger where every jti was issued, one client, one agent, published keys; counts its reads. */
    static final class Identity implements TokenLedger {
        final Set<String> revoked = ConcurrentHashMap.newKeySet();
        final Keys keys = new Keys();
        final InMemoryDirectories.Clients clients = new InMemoryDirectories.Clients();
        final InMemoryDirectories.Agents agents = new InMemoryDirectories.Agents();

        Identity() {
            clients.put(client(true, Set.of("messaging:read")));
            agents.put(new Agent("a1", "demo", "agent1", null, "Agent", Set.of("agent"), true));
        }

        private final java.util.concurrent.atomic.AtomicInteger ledgerReads = new java.util.concurrent.atomic.AtomicInteger();

        /** What identity was asked so far: ledger, client and agent reads. */
        Map<String, Integer> reads() {
            return Map.of("ledger", ledgerReads.get(), "client", clients.finds(), "agent", agents.finds());
        }

        @Override
        public boolean isRevoked(String jti) {
            ledgerReads.incrementAndGet();
            return revoked.contains(jti);
        }

        final class Keys implements SigningKeys {
            volatile List<RSAKey> published = List.of(current.toPublicJWK());

            void publish(RSAKey... keys) {
                published = List.of(keys);
            }

            @Override
            public Optional<RSAKey> verificationKey(String kid) {
                return published.stream().filter(k -> k.getKeyID().equals(kid)).findFirst();
            }

            @Override
            public Optional<com.nimbusds.jose.jwk.OctetSequenceKey> serverKey(String kid) {
                return Optional.empty();
            }

            @Override
            public JWKSet publicKeys() {
                return new JWKSet(List.copyOf(published));
            }

            @Override
            public String rotate() {
                throw new UnsupportedOperationException();
            }
        }

    }
}
