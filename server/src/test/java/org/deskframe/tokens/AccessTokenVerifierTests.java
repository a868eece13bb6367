package org.deskframe.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.identity.Agent;
import org.deskframe.identity.AgentDirectory;
import org.deskframe.identity.ClientDirectory;
import org.deskframe.identity.IdentitySettings;
import org.deskframe.identity.OAuthClient;
import org.deskframe.identity.RegionSettings;
import org.deskframe.identity.SigningKeys;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The verifier's checks one by one, at a fixed instant, with a 30 s clock skew. No Spring. */
class AccessTokenVerifierTests {

    private static final String ISSUER = "https://local.deskframe.test";
    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
    private static final Duration SKEW = Duration.ofSeconds(30);

    private static final OctetSequenceKey SERVER_KEY = new OctetSequenceKey.Builder(new byte[32]).keyID("current").build();
    private static RSAKey current;
    private static RSAKey previous;

    private final Set<String> revoked = new HashSet<>();
    private final ClientDirectory clients = mock(ClientDirectory.class);
    private final AgentDirectory agents = mock(AgentDirectory.class);
    private final AccessTokenVerifier verifier;

    @BeforeAll
    static void keys() throws Exception {
        current = new RSAKeyGenerator(2048).keyID("current").generate();
        previous = new RSAKeyGenerator(2048).keyID("previous").generate();
    }

    AccessTokenVerifierTests() {
        SigningKeys keys = new SigningKeys() {
            @Override
            public Optional<RSAKey> verificationKey(String kid) {
                return List.of(current, previous).stream().filter(k -> k.getKeyID().equals(kid)).findFirst().map(RSAKey::toPublicJWK);
            }

            @Override
            public Optional<OctetSequenceKey> serverKey(String kid) {
                return "current".equals(kid) ? Optional.of(SERVER_KEY) : Optional.empty();
            }

            @Override
            public JWKSet publicKeys() {
                return new JWKSet(List.of(current.toPublicJWK(), previous.toPublicJWK()));
            }

            @Override
            public String rotate() {
                throw new UnsupportedOperationException();
            }
        };
        when(clients.find("backend")).thenReturn(Optional.of(new OAuthClient("backend", "demo", "Backend", Set.of("client_secret_basic"),
                Set.of("client_credentials"), Set.of(), Set.of("messaging:read"), Set.of(), Set.of("embed"), null,
                Duration.ofMinutes(15), Duration.ofHours(8), true)));
        when(agents.find("a1")).thenReturn(Optional.of(new Agent("a1", "demo", "agent1", null, "Agent", Set.of("agent"), true)));
        verifier = new AccessTokenVerifier(new RegionSettings("local", ISSUER), keys, revoked::contains, clients, agents,
                new IdentitySettings("k", null, SKEW, null, null, 0, null, null, 0), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void aValidTokenDescribesItsAgentClientAndScopes() throws Exception {
        VerifiedToken token = verifier.verify(token(c -> c));

        assertThat(token.agentId()).isEqualTo("a1");
        assertThat(token.orgId()).isEqualTo("demo");
        assertThat(token.clientId()).isEqualTo("backend");
        assertThat(token.scopes()).containsExactlyInAnyOrder("messaging:read", "voice");
        assertThat(token.expiresAt()).isEqualTo(NOW.plusSeconds(600));
    }

    @Test
    void aTokenSignedByThePreviousKeyIsStillAccepted() throws Exception {
        assertThat(verifier.verify(sign(previous, "at+jwt", claims(c -> c))).agentId()).isEqualTo("a1");
    }

    @Test
    void aTokenThatExpiredBeyondTheSkewIsExpired() {
        String expired = token(c -> c.issueTime(Date.from(NOW.minusSeconds(900))).expirationTime(Date.from(NOW.minusSeconds(31))));

        assertProblem(expired, "token.expired");
        assertThatThrownBy(() -> verifier.verify(expired)).isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(((ProblemException) e).problem().message()).contains(NOW.minusSeconds(31).toString()));
    }

    @Test
    void aTokenThatExpiredWithinTheSkewIsAccepted() {
        String justExpired = token(c -> c.issueTime(Date.from(NOW.minusSeconds(900))).expirationTime(Date.from(NOW.minusSeconds(29))));

        assertThat(verifier.verify(justExpired).agentId()).isEqualTo("a1");
    }

    @Test
    void aTokenWhoseNotBeforeIsBeyondTheSkewIsNotYetValid() {
        String early = token(c -> c.notBeforeTime(Date.from(NOW.plusSeconds(31))));

        assertProblem(early, "token.not_yet_valid");
    }

    @Test
    void aTokenIssuedInTheFutureBeyondTheSkewIsNotYetValid() {
        String early = token(c -> c.issueTime(Date.from(NOW.plusSeconds(120))).expirationTime(Date.from(NOW.plusSeconds(900))));

        assertProblem(early, "token.not_yet_valid");
    }

    @Test
    void aTokenIssuedSlightlyInTheFutureWithinTheSkewIsAccepted() {
        String slightlyEarly = token(c -> c.issueTime(Date.from(NOW.plusSeconds(20))).notBeforeTime(Date.from(NOW.plusSeconds(20))));

        assertThat(verifier.verify(slightlyEarly).agentId()).isEqualTo("a1");
    }

    @Test
    void aTokenWithoutExpiryIsMalformed() {
        assertProblem(token(c -> c.expirationTime(null)), "token.malformed");
    }

    @Test
    void aTokenWithoutJtiIsMalformed() {
        assertProblem(token(c -> c.jwtID(null)), "token.malformed");
    }

    @Test
    void aTokenForAnotherAudienceIsRefused() {
        assertProblem(token(c -> c.audience("https://elsewhere.example/api")), "token.wrong_audience");
    }

    @Test
    void aTokenOfAnotherIssuerIsNamedAsAnotherRegionBeforeItsSignatureIsChecked() throws Exception {
        RSAKey foreign = new RSAKeyGenerator(2048).keyID("eu").generate();
        String eu = sign(foreign, "at+jwt", claims(c -> c.issuer("https://eu.deskframe.test")));

        assertProblem(eu, "token.wrong_region");
    }

    @Test
    void aTokenWithoutKeyIdIsRefusedAsBadSignature() throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(new JOSEObjectType("at+jwt")).build(), claims(c -> c));
        jwt.sign(new RSASSASigner(current));

        assertProblem(jwt.serialize(), "token.bad_signature");
    }

    @Test
    void aRevokedTokenIsRevoked() {
        revoked.add("jti-1");

        assertProblem(token(c -> c), "token.revoked");
    }

    @Test
    void aTokenWhoseOrgDisagreesWithItsAgentIsWrongOrg() {
        assertProblem(token(c -> c.claim("org", "acme")), "token.wrong_org");
    }

    @Test
    void aTokenForAnUnknownAgentIsRefused() {
        assertProblem(token(c -> c.subject("ghost")), "agent.unknown");
    }

    @Test
    void aTokenOfAnUnknownClientIsRefused() {
        assertProblem(token(c -> c.claim("client_id", "nobody")), "client.unknown");
    }

    @Test
    void aTokenOfADisabledAgentIsRefused() {
        when(agents.find("a2")).thenReturn(Optional.of(new Agent("a2", "demo", "agent2", null, "Agent", Set.of("agent"), false)));

        assertProblem(token(c -> c.subject("a2")), "agent.disabled");
    }

    @Test
    void aGuestTokenSignedWithTheServerKeyIsAccepted() throws Exception {
        VerifiedToken token = verifier.verify(hs256(SERVER_KEY.toByteArray(), guestClaims()));

        assertThat(token.guest().conversationId()).isEqualTo("c1");
        assertThat(token.scopes()).containsExactly("guest");
    }

    @Test
    void aGuestTokenSignedWithRs256ByAnEarlierBuildIsStillAccepted() throws Exception {
        assertThat(verifier.verify(sign(current, "at+jwt", guestClaims())).guest().deploymentId()).isEqualTo("web");
    }

    @Test
    void anAgentTokenSignedWithTheServerKeyIsRefusedAsBadSignature() throws Exception {
        assertThatThrownBy(() -> verifier.verify(hs256(SERVER_KEY.toByteArray(), claims(c -> c)))).isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(((ProblemException) e).problem().code()).isEqualTo("token.bad_signature"))
                .hasMessageContaining("only for the messenger's guest tokens");
    }

    @Test
    void aGuestTokenSignedWithAnotherHmacKeyIsRefusedAsBadSignature() throws Exception {
        byte[] other = new byte[32];
        other[0] = 1;

        assertProblem(hs256(other, guestClaims()), "token.bad_signature");
    }

    @Test
    void aGuestTokenSignedWithThePublicKeyAsHmacSecretIsRefused() throws Exception {
        // The classic RS256 -> HS256 confusion: the public key is what an attacker has.
        assertProblem(hs256(current.toPublicJWK().toRSAPublicKey().getEncoded(), guestClaims()), "token.bad_signature");
    }

    private static JWTClaimsSet guestClaims() {
        return claims(c -> c.subject("customer:g1").claim("client_id", null).claim("scope", "guest")
                .claim("guest", java.util.Map.of("customer", "g1", "deployment", "web", "conversation", "c1")));
    }

    private static String hs256(byte[] secret, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType("at+jwt")).keyID("current").build(), claims);
        jwt.sign(new MACSigner(secret));
        return jwt.serialize();
    }

    private void assertProblem(String token, String code) {
        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(((ProblemException) e).problem().code()).isEqualTo(code));
    }

    private static JWTClaimsSet claims(UnaryOperator<JWTClaimsSet.Builder> change) {
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder().issuer(ISSUER).audience(ISSUER + "/api").subject("a1")
                .claim("org", "demo").claim("client_id", "backend").claim("region", "local").claim("scope", "messaging:read voice")
                .issueTime(Date.from(NOW)).expirationTime(Date.from(NOW.plusSeconds(600))).jwtID("jti-1");
        return change.apply(b).build();
    }

    private static String token(UnaryOperator<JWTClaimsSet.Builder> change) {
        try {
            return sign(current, "at+jwt", claims(change));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sign(RSAKey key, String typ, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(new JOSEObjectType(typ)).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }
}
