package org.deskframe.tokens;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.deskframe.cluster.ClusterControl;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.identity.AccessTokensRevoked;
import org.deskframe.identity.Agent;
import org.deskframe.identity.AgentChanged;
import org.deskframe.identity.AgentDirectory;
import org.deskframe.identity.AgentDisabled;
import org.deskframe.identity.ClientDirectory;
import org.deskframe.identity.IdentitySettings;
import org.deskframe.identity.OAuthClient;
import org.deskframe.identity.OAuthClientChanged;
import org.deskframe.identity.RegionSettings;
import org.deskframe.identity.RegionSignature;
import org.deskframe.identity.Scope;
import org.deskframe.identity.SigningKeys;
import org.deskframe.identity.TokenLedger;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Checks an access token in a fixed order and stops at the first failure with its exact catalogue code: shape,
 * type ({@code at+jwt}), issuer (a token of another region is named as such, before its signature, which this
 * region cannot verify), signature, audience, expiry and not-before (with the configured clock skew), then the client
 * and the agent as they are now (a disabled agent is named as such, though disabling also revokes its tokens), and
 * last revocation. HTTP APIs, the widget dry run and the gateway all use it.
 *
 * <p>What cannot change for a given token string (its parse, signature, issuer, type and audience) is checked once
 * and kept in a bounded cache until the token expires or the key that verified it is no longer published. Every
 * check, cached or not, runs the live part: the times against the clock, the client, the agent and the ledger, read
 * through {@link LiveAccessView}, whose refusals are always confirmed by a fresh read.
 */
@Component
public class AccessTokenVerifier {

    private static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");
    private static final JOSEObjectType APPLICATION_AT_JWT = new JOSEObjectType("application/at+jwt");
    private static final java.util.regex.Pattern WHITESPACE = java.util.regex.Pattern.compile("\\s+");
    private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();
    /** Refusals that come from identity's records, which a fresh read confirms before they are given. */
    private static final Set<ErrorCode> RECORD_REFUSALS = EnumSet.of(ErrorCode.CLIENT_UNKNOWN, ErrorCode.AGENT_UNKNOWN,
            ErrorCode.TOKEN_WRONG_ORG, ErrorCode.AGENT_DISABLED, ErrorCode.TOKEN_REVOKED);

    private final RegionSettings region;
    private final SigningKeys keys;
    private final LiveAccessView live;
    private final Duration skew;
    private final Clock clock;
    /** Token string -> the outcome of its fixed checks; only tokens that passed them. */
    private final Cache<String, SignedToken> signedTokens;
    /** One verifier per published key (weak keys compare by identity; the ring keeps its key objects). */
    private final Cache<RSAKey, RegionSignature> signatureVerifiers = Caffeine.newBuilder().weakKeys().maximumSize(16).build();
    /** One HMAC verifier per server key (guest tokens), kept like {@link #signatureVerifiers}. */
    private final Cache<OctetSequenceKey, MACVerifier> macVerifiers = Caffeine.newBuilder().weakKeys().maximumSize(16).build();

    @Autowired
    AccessTokenVerifier(RegionSettings region, SigningKeys keys, TokenLedger ledger, ClientDirectory clients,
                        AgentDirectory agents, IdentitySettings settings, TokenCheckSettings checks, ClusterControl control) {
        this(region, keys, ledger, clients, agents, settings, checks, Clock.systemUTC(), Ticker.systemTicker());
        control.listen(live);
    }

    /** Without a cluster (one process, the benchmarks): identity's events still reach {@link #on} methods. */
    AccessTokenVerifier(RegionSettings region, SigningKeys keys, TokenLedger ledger, ClientDirectory clients,
                        AgentDirectory agents, IdentitySettings settings) {
        this(region, keys, ledger, clients, agents, settings, TokenCheckSettings.DEFAULTS, Clock.systemUTC(), Ticker.systemTicker());
    }

    /** With a given clock, for tests of the time checks. */
    AccessTokenVerifier(RegionSettings region, SigningKeys keys, TokenLedger ledger, ClientDirectory clients,
                        AgentDirectory agents, IdentitySettings settings, Clock clock) {
        this(region, keys, ledger, clients, agents, settings, TokenCheckSettings.DEFAULTS, clock, Ticker.systemTicker());
    }

    /** With the cache settings, the clock of the time checks and the ticker that ages cached records (tests). */
    AccessTokenVerifier(RegionSettings region, SigningKeys keys, TokenLedger ledger, ClientDirectory clients,
                        AgentDirectory agents, IdentitySettings settings, TokenCheckSettings checks, Clock clock, Ticker ticker) {
        this.region = region;
        this.keys = keys;
        this.live = new LiveAccessView(ledger, clients, agents, checks, ticker);
        this.skew = settings.clockSkew();
        this.clock = clock;
        // Upkeep on the checking thread: none of it waits, and none goes to the common pool.
        this.signedTokens = Caffeine.newBuilder().executor(Runnable::run).ticker(ticker).maximumSize(checks.verifiedTokens())
                // Gone once it can no longer pass the expiry check anyway.
                .expireAfter(Expiry.<String, SignedToken>creating((t, signed) -> {
                    Duration left = Duration.between(clock.instant(), signed.expiresAt().plus(skew));
                    return left.isNegative() ? Duration.ZERO : left;
                }))
                .build();
    }

    public VerifiedToken verify(String token) {
        return check(token).token();
    }

    /**
     * A verified token with the client and the agent the checks read (the agent is null for a client's own token), so
     * that a caller needing them (the gateway's handshake) does not read them again.
     */
    public record Checked(VerifiedToken token, OAuthClient client, Agent agent) {}

    public Checked check(String token) {
        if (token == null || token.isBlank()) {
            throw ProblemException.of(ErrorCode.TOKEN_MISSING, Map.of());
        }
        SignedToken signed = signedTokens.getIfPresent(token);
        if (signed == null || !signed.stillPublished(keys)) {
            signed = signed(token.trim());
            signedTokens.put(token, signed);
        }
        try {
            return standing(signed);
        } catch (ProblemException e) {
            if (!RECORD_REFUSALS.contains(e.problem().error())) throw e;
            // This node may hold a standing older than the records: refuse only on what they say now.
            live.forget(signed.jti(), signed.clientId(), signed.subject());
            return standing(signed);
        }
    }

    /**
     * The fixed checks of a token string, in their order: shape, type, issuer, signature, audience, an expiry present;
     * and what the later checks need of its claims.
     */
    private SignedToken signed(String token) {
        SignedJWT jwt = parse(token);
        JWTClaimsSet claims;
        try {
            // The JDK's base64url decoder: Nimbus's own (behind getJWTClaimsSet) cost more than the JSON parse.
            claims = JWTClaimsSet.parse(new String(BASE64URL.decode(jwt.getParsedParts()[1].toString()), StandardCharsets.UTF_8));
        } catch (ParseException | IllegalArgumentException e) {
            throw malformed("the payload is not a JSON claims set");
        }
        JOSEObjectType typ = jwt.getHeader().getType();
        if (!AT_JWT.equals(typ) && !APPLICATION_AT_JWT.equals(typ)) {
            throw ProblemException.of(ErrorCode.TOKEN_WRONG_TYPE, Map.of("typ", typ == null ? "(none)" : typ.getType()));
        }
        String issuer = claims.getIssuer();
        if (!region.issuer().equals(issuer)) {
            throw ProblemException.of(ErrorCode.TOKEN_WRONG_REGION, Map.of("tokenIssuer", issuer == null ? "(none)" : issuer,
                    "expectedIssuer", region.issuer(), "region", region.id()));
        }
        RSAKey key = verifySignature(jwt, claims.getClaim(GUEST_CLAIM) != null);
        List<String> audience = claims.getAudience();
        if (audience == null || !audience.contains(region.apiAudience())) {
            throw ProblemException.of(ErrorCode.TOKEN_WRONG_AUDIENCE, Map.of("audience", audience == null ? List.of() : audience,
                    "expectedAudience", region.apiAudience()));
        }
        if (claims.getExpirationTime() == null) {
            throw malformed("the token has no exp claim");
        }
        Instant issuedAt = claims.getIssueTime() == null ? null : claims.getIssueTime().toInstant();
        Instant notBefore = claims.getNotBeforeTime() != null ? claims.getNotBeforeTime().toInstant() : issuedAt;
        String jti = claims.getJWTID();
        return new SignedToken(key, jwt.getHeader().getKeyID(), issuer, claims.getSubject(), jti == null || jti.isBlank() ? null : jti,
                stringClaim(claims, "client_id"), stringClaim(claims, "org"), stringClaim(claims, "region"), scopes(claims),
                issuedAt, notBefore, claims.getExpirationTime().toInstant(),
                claims.getClaim(GUEST_CLAIM) != null ? guest(claims) : null);
    }

    /** The checks of a signed token that depend on the time and on identity's records: run on every check. */
    private Checked standing(SignedToken t) {
        Instant now = clock.instant();
        Instant exp = t.expiresAt();
        if (now.isAfter(exp.plus(skew))) {
            throw ProblemException.of(ErrorCode.TOKEN_EXPIRED, Map.of("expiredAt", exp.toString(),
                    "expiredSecondsAgo", Duration.between(exp, now).toSeconds()));
        }
        if (t.notBefore() != null && t.notBefore().isAfter(now.plus(skew))) {
            throw ProblemException.of(ErrorCode.TOKEN_NOT_YET_VALID, Map.of("notBefore", t.notBefore().toString(),
                    "skewSeconds", skew.toSeconds()));
        }
        if (t.guest() != null) {
            return new Checked(guestStanding(t), null, null);
        }
        String clientId = t.clientId();
        OAuthClient client = Optional.ofNullable(clientId).flatMap(live::client).filter(OAuthClient::enabled)
                .orElseThrow(() -> ProblemException.of(ErrorCode.CLIENT_UNKNOWN, Map.of("client", String.valueOf(clientId))));
        String org = t.orgId();
        String subject = t.subject();
        String agentId = null;
        Agent agent = null;
        if (!client.clientId().equals(subject)) {
            agent = (subject == null ? Optional.<Agent>empty() : live.agent(subject)).orElseThrow(() ->
                    ProblemException.of(ErrorCode.AGENT_UNKNOWN, Map.of("subject", String.valueOf(subject))));
            if (!agent.orgId().equals(org)) {
                throw ProblemException.of(ErrorCode.TOKEN_WRONG_ORG, Map.of("tokenOrg", String.valueOf(org), "expectedOrg", agent.orgId()));
            }
            if (!agent.enabled()) {
                throw ProblemException.of(ErrorCode.AGENT_DISABLED, Map.of("agent", agent.id(), "org", agent.orgId()));
            }
            agentId = agent.id();
        }
        if (t.jti() == null) {
            throw malformed("the token has no jti claim");
        }
        if (live.isRevoked(t.jti())) {
            throw ProblemException.of(ErrorCode.TOKEN_REVOKED, Map.of());
        }
        return new Checked(new VerifiedToken(t.jti(), subject, agentId, org, client.clientId(), t.region(), t.issuer(),
                t.scopes(), t.issuedAt(), exp, client.scopes()), client, agent);
    }

    /** The claim that makes a token a messenger's guest token (issued by the guest capability, not by an OAuth client). */
    public static final String GUEST_CLAIM = "guest";

    /**
     * A guest token: signed by this region (HS256 with its server key, or RS256 from a build before that), scope {@code guest} only, bound by its
     * {@code guest} claim to a customer, a deployment and a conversation. No OAuth client and no agent stand behind
     * it, so only the ledger is checked after the times.
     */
    private VerifiedToken guestStanding(SignedToken t) {
        GuestClaim g = t.guest();
        if (g.malformed() != null) throw malformed(g.malformed());
        if (t.jti() == null) throw malformed("the token has no jti claim");
        if (live.isRevoked(t.jti())) throw ProblemException.of(ErrorCode.TOKEN_REVOKED, Map.of());
        return new VerifiedToken(t.jti(), t.subject(), null, t.orgId(), "messenger:" + g.bound().deploymentId(), t.region(),
                t.issuer(), t.scopes(), t.issuedAt(), t.expiresAt(), t.scopes(), g.bound());
    }

    /** A guest claim as read from the token: what it binds the token to, or why it is malformed (told after the times). */
    private record GuestClaim(VerifiedToken.Guest bound, String malformed) {}

    private static GuestClaim guest(JWTClaimsSet claims) {
        Map<String, Object> g;
        try {
            g = claims.getJSONObjectClaim(GUEST_CLAIM);
        } catch (ParseException e) {
            return new GuestClaim(null, "its guest claim is not an object");
        }
        String customer = g == null ? null : stringOf(g.get("customer"));
        String deployment = g == null ? null : stringOf(g.get("deployment"));
        String conversation = g == null ? null : stringOf(g.get("conversation"));
        if (customer == null || deployment == null || conversation == null || stringClaim(claims, "org") == null) {
            return new GuestClaim(null, "its guest claim lacks customer, deployment or conversation, or it has no org");
        }
        if (!scopes(claims).equals(Set.of(Scope.GUEST.value()))) {
            return new GuestClaim(null, "a guest token carries scope 'guest' and nothing else");
        }
        return new GuestClaim(new VerifiedToken.Guest(customer, deployment, conversation, Boolean.TRUE.equals(g.get("verified"))), null);
    }

    /** A token string that passed the fixed checks, with the key that verified its signature. */
    private record SignedToken(RSAKey key, String kid, String issuer, String subject, String jti, String clientId, String orgId,
                               String region, Set<String> scopes, Instant issuedAt, Instant notBefore, Instant expiresAt,
                               GuestClaim guest) {
        SignedToken {
            scopes = ScopeSets.shared(scopes);
        }

        /** Its key is still among the published ones: a rotation that retires it ends what was verified with it. */
        boolean stillPublished(SigningKeys keys) {
            RSAKey now = keys.verificationKey(kid).orElse(null);
            return now == key || key.equals(now);
        }
    }

    // Identity's changes on this node, once committed: the next check reads the records again.

    @TransactionalEventListener(fallbackExecution = true)
    void on(AccessTokensRevoked event) {
        live.on(event);
    }

    @TransactionalEventListener(fallbackExecution = true)
    void on(AgentDisabled event) {
        live.on(event);
    }

    @TransactionalEventListener(fallbackExecution = true)
    void on(AgentChanged event) {
        live.on(event);
    }

    @TransactionalEventListener(fallbackExecution = true)
    void on(OAuthClientChanged event) {
        live.on(event);
    }

    /** What this node holds of identity's records (for the tests of the cache). */
    LiveAccessView liveAccess() {
        return live;
    }

    private static String stringOf(Object v) {
        return v instanceof String s && !s.isBlank() ? s : null;
    }

    private static SignedJWT parse(String token) {
        if (token.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw malformed("the value starts with 'Bearer ' - send only the token itself");
        }
        int dots = 0;
        for (int i = 0; i < token.length(); i++) {
            if (token.charAt(i) == '.') dots++;
        }
        if (dots != 2 && dots != 4) {
            throw malformed("expected three base64url parts separated by dots, found " + (dots + 1));
        }
        if (dots == 2) {
            // What JWTParser returns for a JWS header, without decoding the header twice; anything else takes the
            // general path below, which names what the token is instead.
            try {
                return SignedJWT.parse(token);
            } catch (ParseException e) {
                // below
            }
        }
        JWT parsed;
        try {
            parsed = JWTParser.parse(token);
        } catch (ParseException e) {
            throw malformed("its header or payload cannot be decoded");
        }
        if (parsed instanceof PlainJWT) {
            throw ProblemException.of(ErrorCode.TOKEN_BAD_SIGNATURE, Map.of("reason", "the token is unsigned (alg 'none')"));
        }
        if (parsed instanceof EncryptedJWT) {
            throw malformed("it is an encrypted JWT (JWE); Deskframe access tokens are signed JWTs");
        }
        return (SignedJWT) parsed;
    }

    /**
     * RS256 with a published key; or, for a guest token only, HS256 with the server key of a published kid, which only
     * this region's nodes hold (the token is one the guest capability issued here). The published key is returned either
     * way: a rotation that retires it ends the cached outcome.
     */
    private RSAKey verifySignature(SignedJWT jwt, boolean guest) {
        JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        boolean server = JWSAlgorithm.HS256.equals(alg);
        if (!JWSAlgorithm.RS256.equals(alg) && !(server && guest)) {
            throw ProblemException.of(ErrorCode.TOKEN_BAD_SIGNATURE, Map.of("reason", server
                    ? "alg 'HS256' is accepted only for the messenger's guest tokens, which this region issues itself; access tokens are RS256"
                    : "alg '" + alg + "' is not accepted, only RS256 (HS256 for the messenger's guest tokens)"));
        }
        String kid = jwt.getHeader().getKeyID();
        RSAKey key = (kid == null ? Optional.<RSAKey>empty() : keys.verificationKey(kid)).orElseThrow(() ->
                ProblemException.of(ErrorCode.TOKEN_BAD_SIGNATURE, Map.of("reason",
                        "key id '" + kid + "' is not among this deployment's published keys (rotated out long ago, or another server's key)")));
        if (server) {
            if (!serverKeyMatches(jwt, kid)) {
                throw ProblemException.of(ErrorCode.TOKEN_BAD_SIGNATURE, Map.of("reason", "the signature does not match the content"));
            }
            return key;
        }
        if (!regionSignature(key).verifies(jwt)) {
            throw ProblemException.of(ErrorCode.TOKEN_BAD_SIGNATURE, Map.of("reason",
                    jwt.getHeader().getCriticalParams() != null && !jwt.getHeader().getCriticalParams().isEmpty()
                            ? "its header has critical parameters (crit) this deployment does not process"
                            : "the signature does not match the content"));
        }
        return key;
    }

    /** A guest token's HS256 signature against the server key of its kid. */
    private boolean serverKeyMatches(SignedJWT jwt, String kid) {
        try {
            OctetSequenceKey serverKey = keys.serverKey(kid).orElseThrow(() -> new IllegalStateException("no server key for " + kid));
            return jwt.verify(macVerifiers.get(serverKey, AccessTokenVerifier::macVerifier));
        } catch (JOSEException | IllegalStateException e) {
            throw signatureCannotBeChecked();
        }
    }

    private RegionSignature regionSignature(RSAKey key) {
        try {
            return signatureVerifiers.get(key, RegionSignature::new);
        } catch (IllegalArgumentException e) {
            throw signatureCannotBeChecked();
        }
    }

    private static ProblemException signatureCannotBeChecked() {
        return ProblemException.of(ErrorCode.TOKEN_BAD_SIGNATURE, Map.of("reason", "the signature cannot be checked"));
    }

    private static MACVerifier macVerifier(OctetSequenceKey key) {
        try {
            return new MACVerifier(key);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<String> scopes(JWTClaimsSet claims) {
        Object scope = claims.getClaim("scope");
        if (scope instanceof String s && !s.isBlank()) {
            return new LinkedHashSet<>(Arrays.asList(WHITESPACE.split(s.trim())));
        }
        if (scope instanceof List<?> list) {
            return new LinkedHashSet<>(list.stream().map(String::valueOf).toList());
        }
        return Set.of();
    }

    private static String stringClaim(JWTClaimsSet claims, String name) {
        Object v = claims.getClaim(name);
        return v == null ? null : String.valueOf(v);
    }

    private static ProblemException malformed(String reason) {
        return ProblemException.of(ErrorCode.TOKEN_MALFORMED, Map.of("reason", reason));
    }
}
