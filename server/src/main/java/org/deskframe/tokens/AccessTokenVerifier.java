package org.deskframe.tokens;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.identity.Agent;
import org.deskframe.identity.AgentDirectory;
import org.deskframe.identity.ClientDirectory;
import org.deskframe.identity.IdentitySettings;
import org.deskframe.identity.OAuthClient;
import org.deskframe.identity.RegionSettings;
import org.deskframe.identity.Scope;
import org.deskframe.identity.SigningKeys;
import org.deskframe.identity.TokenLedger;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Checks an access token in a fixed order and stops at the first failure with its exact catalogue code: shape,
 * type ({@code at+jwt}), issuer (a token of another region is named as such, before its signature, which this
 * region cannot verify), signature, audience, expiry and not-before (with the configured clock skew), revocation,
 * then the client and the agent as they are now (a disabled agent is named as such, though disabling also
 * revokes its tokens), and last revocation. HTTP APIs, the widget dry run and the gateway all use it.
 */
@Component
public class AccessTokenVerifier {

    private static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");

    private final RegionSettings region;
    private final SigningKeys keys;
    private final TokenLedger ledger;
    private final ClientDirectory clients;
    private final AgentDirectory agents;
    private final Duration skew;
    private final Clock clock;

    @Autowired
    AccessTokenVerifier(RegionSettings region, SigningKeys keys, TokenLedger ledger, ClientDirectory clients,
                        AgentDirectory agents, IdentitySettings settings) {
        this(region, keys, ledger, clients, agents, settings, Clock.systemUTC());
    }

    /** With a given clock, for tests of the time checks. */
    AccessTokenVerifier(RegionSettings region, SigningKeys keys, TokenLedger ledger, ClientDirectory clients,
                        AgentDirectory agents, IdentitySettings settings, Clock clock) {
        this.region = region;
        this.keys = keys;
        this.ledger = ledger;
        this.clients = clients;
        this.agents = agents;
        this.skew = settings.clockSkew();
        this.clock = clock;
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
        SignedJWT jwt = parse(token.trim());
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw malformed("the payload is not a JSON claims set");
        }
        JOSEObjectType typ = jwt.getHeader().getType();
        if (!AT_JWT.equals(typ) && !new JOSEObjectType("application/at+jwt").equals(typ)) {
            throw ProblemException.of(ErrorCode.TOKEN_WRONG_TYPE, Map.of("typ", typ == null ? "(none)" : typ.getType()));
        }
        String issuer = claims.getIssuer();
        if (!region.issuer().equals(issuer)) {
            throw ProblemException.of(ErrorCode.TOKEN_WRONG_REGION, Map.of("tokenIssuer", issuer == null ? "(none)" : issuer,
                    "expectedIssuer", region.issuer(), "region", region.id()));
        }
        verifySignature(jwt);
        List<String> audience = claims.getAudience();
        if (audience == null || !audience.contains(region.apiAudience())) {
            throw ProblemException.of(ErrorCode.TOKEN_WRONG_AUDIENCE, Map.of("audience", audience == null ? List.of() : audience,
                    "expectedAudience", region.apiAudience()));
        }
        Instant now = clock.instant();
        if (claims.getExpirationTime() == null) {
            throw malformed("the token has no exp claim");
        }
        Instant exp = claims.getExpirationTime().toInstant();
        if (now.isAfter(exp.plus(skew))) {
            throw ProblemException.of(ErrorCode.TOKEN_EXPIRED, Map.of("expiredAt", exp.toString(),
                    "expiredSecondsAgo", Duration.between(exp, now).toSeconds()));
        }
        Instant notBefore = claims.getNotBeforeTime() != null ? claims.getNotBeforeTime().toInstant()
                : claims.getIssueTime() != null ? claims.getIssueTime().toInstant() : null;
        if (notBefore != null && notBefore.isAfter(now.plus(skew))) {
            throw ProblemException.of(ErrorCode.TOKEN_NOT_YET_VALID, Map.of("notBefore", notBefore.toString(),
                    "skewSeconds", skew.toSeconds()));
        }
        if (claims.getClaim(GUEST_CLAIM) != null) {
            return new Checked(guest(claims, issuer, exp), null, null);
        }
        String clientId = stringClaim(claims, "client_id");
        OAuthClient client = Optional.ofNullable(clientId).flatMap(clients::find).filter(OAuthClient::enabled)
                .orElseThrow(() -> ProblemException.of(ErrorCode.CLIENT_UNKNOWN, Map.of("client", String.valueOf(clientId))));
        String org = stringClaim(claims, "org");
        String subject = claims.getSubject();
        String agentId = null;
        Agent agent = null;
        if (!client.clientId().equals(subject)) {
            agent = agents.find(subject).orElseThrow(() -> ProblemException.of(ErrorCode.AGENT_UNKNOWN,
                    Map.of("subject", String.valueOf(subject))));
            if (!agent.orgId().equals(org)) {
                throw ProblemException.of(ErrorCode.TOKEN_WRONG_ORG, Map.of("tokenOrg", String.valueOf(org), "expectedOrg", agent.orgId()));
            }
            if (!agent.enabled()) {
                throw ProblemException.of(ErrorCode.AGENT_DISABLED, Map.of("agent", agent.id(), "org", agent.orgId()));
            }
            agentId = agent.id();
        }
        String jti = claims.getJWTID();
        if (jti == null || jti.isBlank()) {
            throw malformed("the token has no jti claim");
        }
        if (ledger.isRevoked(jti)) {
            throw ProblemException.of(ErrorCode.TOKEN_REVOKED, Map.of());
        }
        return new Checked(new VerifiedToken(jti, subject, agentId, org, client.clientId(), stringClaim(claims, "region"), issuer,
                scopes(claims), claims.getIssueTime() == null ? null : claims.getIssueTime().toInstant(), exp,
                client.scopes()), client, agent);
    }

    /** The claim that makes a token a messenger's guest token (issued by the guest capability, not by an OAuth client). */
    public static final String GUEST_CLAIM = "guest";

    /**
     * A guest token: signed by this region like every access token, scope {@code guest} only, bound by its
     * {@code guest} claim to a customer, a deployment and a conversation. No OAuth client and no agent stand behind
     * it, so only the ledger is checked after the times.
     */
    private VerifiedToken guest(JWTClaimsSet claims, String issuer, Instant exp) {
        Map<String, Object> g;
        try {
            g = claims.getJSONObjectClaim(GUEST_CLAIM);
        } catch (ParseException e) {
            throw malformed("its guest claim is not an object");
        }
        String customer = g == null ? null : stringOf(g.get("customer"));
        String deployment = g == null ? null : stringOf(g.get("deployment"));
        String conversation = g == null ? null : stringOf(g.get("conversation"));
        String org = stringClaim(claims, "org");
        if (customer == null || deployment == null || conversation == null || org == null) {
            throw malformed("its guest claim lacks customer, deployment or conversation, or it has no org");
        }
        Set<String> scopes = scopes(claims);
        if (!scopes.equals(Set.of(Scope.GUEST.value()))) {
            throw malformed("a guest token carries scope 'guest' and nothing else");
        }
        String jti = claims.getJWTID();
        if (jti == null || jti.isBlank()) throw malformed("the token has no jti claim");
        if (ledger.isRevoked(jti)) throw ProblemException.of(ErrorCode.TOKEN_REVOKED, Map.of());
        return new VerifiedToken(jti, claims.getSubject(), null, org, "messenger:" + deployment, stringClaim(claims, "region"),
                issuer, scopes, claims.getIssueTime() == null ? null : claims.getIssueTime().toInstant(), exp, scopes,
                new VerifiedToken.Guest(customer, deployment, conversation, Boolean.TRUE.equals(g.get("verified"))));
    }

    private static String stringOf(Object v) {
        return v instanceof String s && !s.isBlank() ? s : null;
    }

    private static SignedJWT parse(String token) {
        if (token.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw malformed("the value starts with 'Bearer ' - send only the token itself");
        }
        long dots = token.chars().filter(c -> c == '.').count();
        if (dots != 2 && dots != 4) {
            throw malformed("expected three base64url parts separated by dots, found " + (dots + 1));
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

    private void verifySignature(SignedJWT jwt) {
        JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        if (!JWSAlgorithm.RS256.equals(alg)) {
            throw ProblemException.of(ErrorCode.TOKEN_BAD_SIGNATURE, Map.of("reason", "alg '" + alg + "' is not accepted, only RS256"));
        }
        String kid = jwt.getHeader().getKeyID();
        RSAKey key = (kid == null ? Optional.<RSAKey>empty() : keys.verificationKey(kid)).orElseThrow(() ->
                ProblemException.of(ErrorCode.TOKEN_BAD_SIGNATURE, Map.of("reason",
                        "key id '" + kid + "' is not among this deployment's published keys (rotated out long ago, or another server's key)")));
        try {
            if (!jwt.verify(new RSASSAVerifier(key))) {
                throw ProblemException.of(ErrorCode.TOKEN_BAD_SIGNATURE, Map.of("reason", "the signature does not match the content"));
            }
        } catch (JOSEException e) {
            throw ProblemException.of(ErrorCode.TOKEN_BAD_SIGNATURE, Map.of("reason", "the signature cannot be checked"));
        }
    }

    private static Set<String> scopes(JWTClaimsSet claims) {
        Object scope = claims.getClaim("scope");
        if (scope instanceof String s && !s.isBlank()) {
            return new LinkedHashSet<>(Arrays.asList(s.trim().split("\\s+")));
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
