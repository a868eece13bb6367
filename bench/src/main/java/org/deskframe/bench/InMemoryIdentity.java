package org.deskframe.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.deskframe.identity.Agent;
import org.deskframe.identity.IdentitySettings;
import org.deskframe.identity.OAuthClient;
import org.deskframe.identity.RegionSettings;
import org.deskframe.identity.SigningKeys;
import org.deskframe.identity.TokenLedger;
import org.deskframe.testing.InMemoryDirectories;
import org.deskframe.tokens.AccessTokenVerifier;
import org.deskframe.tokens.TokenCheckSettings;
import org.deskframe.tokens.VerifierFixture;

/**
 * A region's identity held in memory: one RS256 key, one client, one agent and a token ledger, each behind the
 * identity API the verifier uses, so that benchmarks measure the verifier and not the database. Lookups are hash-map
 * reads, what the verifier's own per-node view of them costs on a hit.
 */
final class InMemoryIdentity {

    static final RegionSettings REGION = new RegionSettings("local", "http://localhost:8080");
    static final IdentitySettings SETTINGS = new IdentitySettings("unused-secret-key-0123456789abcdef", null,
            Duration.ofSeconds(30), null, null, 0, null, null, 0);
    static final String CLIENT_ID = "demo-backend";
    static final String AGENT_ID = "agent1";
    static final String ORG_ID = "demo";

    final RSAKey signingKey;
    final Keys keys;
    final Ledger ledger = new Ledger();
    final InMemoryDirectories.Clients clients = new InMemoryDirectories.Clients();
    final InMemoryDirectories.Agents agents = new InMemoryDirectories.Agents();

    InMemoryIdentity() {
        try {
            signingKey = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                    .keyID(UUID.randomUUID().toString()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        keys = new Keys(signingKey.toPublicJWK());
        clients.put(new OAuthClient(CLIENT_ID, ORG_ID, "Benchmark backend", Set.of("client_secret_basic"),
                Set.of(OAuthClient.GRANT_JWT_BEARER), Set.of(), Set.of("messaging:read", "messaging:write", "voice"),
                Set.of("https://desk.example"), Set.of(OAuthClient.CAPABILITY_EMBED), null,
                Duration.ofMinutes(15), Duration.ofHours(8), true));
        agents.put(new Agent(AGENT_ID, ORG_ID, AGENT_ID, "agent1@demo.example", "Agent One", Set.of("agent"), true));
    }

    AccessTokenVerifier verifier() {
        return VerifierFixture.verifier(REGION, keys, ledger, clients, agents, SETTINGS);
    }

    AccessTokenVerifier verifier(TokenCheckSettings checks) {
        return VerifierFixture.verifier(REGION, keys, ledger, clients, agents, SETTINGS, checks);
    }

    /** An access token as the authorization server issues it (RFC 9068 at+jwt, RS256), recorded in the ledger. */
    String issueAgentToken(Duration lifetime) {
        Instant now = Instant.now();
        String jti = UUID.randomUUID().toString();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(REGION.issuer())
                .audience(REGION.apiAudience())
                .subject(AGENT_ID)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)))
                .jwtID(jti)
                .claim("client_id", CLIENT_ID)
                .claim("org", ORG_ID)
                .claim("region", REGION.id())
                .claim("scope", "messaging:read messaging:write voice")
                .claim("preferred_username", AGENT_ID)
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(new JOSEObjectType("at+jwt"))
                .keyID(signingKey.getKeyID()).build(), claims);
        try {
            jwt.sign(new RSASSASigner(signingKey));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        ledger.issued(jti);
        return jwt.serialize();
    }

    record Keys(RSAKey publicKey) implements SigningKeys {
        @Override
        public Optional<RSAKey> verificationKey(String kid) {
            return publicKey.getKeyID().equals(kid) ? Optional.of(publicKey) : Optional.empty();
        }

        /** The benchmarks' tokens are agents' (RS256): no server key. */
        @Override
        public Optional<com.nimbusds.jose.jwk.OctetSequenceKey> serverKey(String kid) {
            return Optional.empty();
        }

        @Override
        public JWKSet publicKeys() {
            return new JWKSet(publicKey);
        }

        @Override
        public String rotate() {
            throw new UnsupportedOperationException();
        }
    }

    static final class Ledger implements TokenLedger {
        private final Map<String, Boolean> revokedByJti = new ConcurrentHashMap<>();

        void issued(String jti) {
            revokedByJti.put(jti, false);
        }

        void revoke(String jti) {
            revokedByJti.put(jti, true);
        }

        @Override
        public boolean isRevoked(String jti) {
            return revokedByJti.getOrDefault(jti, true);
        }
    }
}
