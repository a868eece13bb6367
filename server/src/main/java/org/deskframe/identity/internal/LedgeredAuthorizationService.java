package org.deskframe.identity.internal;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.sql.Timestamp;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.nio.charset.StandardCharsets;
import org.deskframe.identity.RegionSignature;
import org.deskframe.identity.SigningKeys;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Spring Security's JDBC authorization store, plus the bookkeeping its JWTs need: every saved access token goes
 * into the {@link JdbcTokenLedger} (so invalidating it revokes it everywhere), a rotated-away refresh token goes
 * into the history (so its reuse can be detected), and invalidating a refresh token revokes its whole family.
 * An authorization that is one access token and nothing else (client_credentials, jwt-bearer) is its ledger row
 * alone: introspection and revocation find it from the signed token and that row, so issuing writes one row.
 */
class LedgeredAuthorizationService implements OAuth2AuthorizationService {

    /** Grants whose authorization never holds more than its access token: nothing to refresh, no code to redeem. */
    private static final Set<AuthorizationGrantType> ACCESS_TOKEN_ONLY_GRANTS =
            Set.of(AuthorizationGrantType.CLIENT_CREDENTIALS, JwtBearerGrantToken.JWT_BEARER);

    private final OAuth2AuthorizationService delegate;
    private final JdbcTokenLedger ledger;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final RegisteredClientRepository clients;
    private final SigningKeys keys;
    private final IssuanceGroupCommit issuance;

    LedgeredAuthorizationService(OAuth2AuthorizationService delegate, JdbcTokenLedger ledger, JdbcClient jdbc,
                                 TransactionTemplate tx, RegisteredClientRepository clients, SigningKeys keys,
                                 IssuanceGroupCommit issuance) {
        this.delegate = delegate;
        this.ledger = ledger;
        this.jdbc = jdbc;
        this.tx = tx;
        this.clients = clients;
        this.keys = keys;
        this.issuance = issuance;
    }

    @Override
    public void save(OAuth2Authorization authorization) {
        if (accessTokenOnly(authorization)) {
            // No row of Spring's: the ledger row is the authorization (findByToken rebuilds it from the token). Such an
            // authorization is saved twice at most: when its token is issued (a new jti), and when it is revoked.
            Optional<IssuanceGroupCommit.IssuedToken> issued = newlyIssued(authorization);
            if (issued.isPresent()) {
                issuance.commit(issued.get(), null);
            } else {
                tx.executeWithoutResult(status -> recordAccessToken(authorization));
            }
            return;
        }
        tx.executeWithoutResult(status -> {
            // Only an authorization that holds a refresh token can have rotated one (Spring never drops a refresh token
            // from an authorization); the others (client_credentials, jwt-bearer, codes) skip the lookup.
            OAuth2Authorization previous = authorization.getRefreshToken() == null ? null : delegate.findById(authorization.getId());
            if (previous != null && previous.getRefreshToken() != null) {
                String oldValue = previous.getRefreshToken().getToken().getTokenValue();
                OAuth2Authorization.Token<OAuth2RefreshToken> now = authorization.getRefreshToken();
                if ((now == null || !now.getToken().getTokenValue().equals(oldValue)) && findRotated(oldValue).isEmpty()) {
                    // (A redemption through redeemOnce has recorded it already, in this transaction.)
                    recordRotation(oldValue, authorization.getId(), previous.getRefreshToken().getToken().getExpiresAt());
                }
            }
            delegate.save(authorization);
            recordAccessToken(authorization);
            OAuth2Authorization.Token<OAuth2RefreshToken> refresh = authorization.getRefreshToken();
            if (refresh != null && refresh.isInvalidated()) {
                ledger.revokeAuthorization(authorization.getId());
            }
        });
    }

    /**
     * Saves a newly issued access-token-only authorization together with the single-use assertion it was granted for,
     * in one durable commit; throws {@link IssuanceGroupCommit.AssertionAlreadyUsed} (and saves nothing) for a replay.
     */
    void saveIssued(OAuth2Authorization authorization, IssuanceGroupCommit.UsedAssertion assertion) {
        Optional<IssuanceGroupCommit.IssuedToken> issued = newlyIssued(authorization);
        if (!accessTokenOnly(authorization) || issued.isEmpty()) {
            throw new IllegalArgumentException("not a newly issued access-token-only authorization");
        }
        issuance.commit(issued.get(), assertion);
    }

    private static Optional<IssuanceGroupCommit.IssuedToken> newlyIssued(OAuth2Authorization authorization) {
        OAuth2Authorization.Token<OAuth2AccessToken> access = authorization.getAccessToken();
        if (access == null || access.isInvalidated() || access.getClaims() == null || access.getClaims().get("jti") == null) {
            return Optional.empty();
        }
        return Optional.of(new IssuanceGroupCommit.IssuedToken(String.valueOf(access.getClaims().get("jti")), authorization.getId(),
                authorization.getRegisteredClientId(), subject(authorization, access), expiry(access)));
    }

    @Override
    public void remove(OAuth2Authorization authorization) {
        tx.executeWithoutResult(status -> {
            ledger.revokeAuthorization(authorization.getId());
            delegate.remove(authorization);
        });
    }

    @Override
    public OAuth2Authorization findById(String id) {
        return delegate.findById(id);
    }

    @Override
    public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
        if (tokenType == null || OAuth2TokenType.ACCESS_TOKEN.equals(tokenType)) {
            Optional<OAuth2Authorization> accessTokenOnly = fromLedger(token);
            if (accessTokenOnly.isPresent()) return accessTokenOnly.get();
        }
        return delegate.findByToken(token, tokenType);
    }

    static boolean accessTokenOnly(OAuth2Authorization authorization) {
        return ACCESS_TOKEN_ONLY_GRANTS.contains(authorization.getAuthorizationGrantType())
                && authorization.getRefreshToken() == null && authorization.getToken(OAuth2AuthorizationCode.class) == null;
    }

    private void recordAccessToken(OAuth2Authorization authorization) {
        OAuth2Authorization.Token<OAuth2AccessToken> access = authorization.getAccessToken();
        if (access != null && access.getClaims() != null && access.getClaims().get("jti") != null) {
            ledger.record(String.valueOf(access.getClaims().get("jti")), authorization.getId(), authorization.getRegisteredClientId(),
                    subject(authorization, access), expiry(access), access.isInvalidated());
        }
    }

    private static String subject(OAuth2Authorization authorization, OAuth2Authorization.Token<OAuth2AccessToken> access) {
        return String.valueOf(access.getClaims().getOrDefault("sub", authorization.getPrincipalName()));
    }

    private static Instant expiry(OAuth2Authorization.Token<OAuth2AccessToken> access) {
        return access.getToken().getExpiresAt() != null ? access.getToken().getExpiresAt() : Instant.now();
    }

    /**
     * The authorization of an access token issued by a grant that stores no row of Spring's: the token's signature
     * (a key of this region's ring) proves it was issued here, its ledger row says to whom and whether it is revoked.
     * Empty for anything else: not a JWT, a signature that does not verify, no ledger row, a token of an
     * authorization Spring stores (code flow), or a client no longer registered (a guest token's messenger).
     */
    private Optional<OAuth2Authorization> fromLedger(String token) {
        JWTClaimsSet claims;
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            String kid = jwt.getHeader().getKeyID();
            Optional<RSAKey> key = kid == null ? Optional.empty() : keys.verificationKey(kid);
            if (key.isEmpty() || !new RegionSignature(key.get()).verifies(jwt)) return Optional.empty();
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException | IllegalArgumentException e) {
            return Optional.empty();
        }
        if (claims.getJWTID() == null) return Optional.empty();
        Optional<JdbcTokenLedger.Entry> found = ledger.find(claims.getJWTID());
        if (found.isEmpty() || delegate.findById(found.get().authorizationId()) != null) return Optional.empty();
        JdbcTokenLedger.Entry entry = found.get();
        RegisteredClient client = clients.findById(entry.clientId());
        if (client == null) return Optional.empty();

        Map<String, Object> claimMap = new HashMap<>();
        claims.getClaims().forEach((name, value) -> claimMap.put(name, value instanceof Date date ? date.toInstant() : value));
        Set<String> scopes = Columns.split(String.valueOf(claimMap.getOrDefault(OAuth2ParameterNames.SCOPE, "")));
        OAuth2AccessToken accessToken = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, token,
                claims.getIssueTime() == null ? null : claims.getIssueTime().toInstant(), entry.expiresAt(), scopes);
        // client_credentials tokens name their client as the subject; jwt-bearer tokens name an agent.
        AuthorizationGrantType grant = entry.subject().equals(entry.clientId())
                ? AuthorizationGrantType.CLIENT_CREDENTIALS : JwtBearerGrantToken.JWT_BEARER;
        return Optional.of(OAuth2Authorization.withRegisteredClient(client)
                .id(entry.authorizationId())
                .principalName(entry.subject())
                .authorizationGrantType(grant)
                .authorizedScopes(scopes)
                .token(accessToken, metadata -> {
                    metadata.put(OAuth2Authorization.Token.CLAIMS_METADATA_NAME, claimMap);
                    if (entry.revoked()) metadata.put(OAuth2Authorization.Token.INVALIDATED_METADATA_NAME, true);
                })
                .build());
    }

    /** Kept until the rotated token itself would have expired: reuse detection lasts as long as it can be presented. */
    private void recordRotation(String oldValue, String authorizationId, Instant oldExpiry) {
        jdbc.sql("insert into refresh_token_history (token_hash, authorization_id, rotated_at, expires_at) values (?, ?, ?, ?)")
                .params(hash(oldValue), authorizationId, Columns.now(), oldExpiry == null ? null : Timestamp.from(oldExpiry)).update();
    }

    /** Another redemption of the same refresh token, on this node or another, got there first. */
    static final class RedeemedConcurrently extends RuntimeException {
        RedeemedConcurrently() {
            super(null, null, false, false);
        }
    }

    /**
     * Runs {@code redemption} (Spring's refresh-token grant: find, rotate, save) in one transaction that first claims
     * the presented token: its history row, whose primary key admits one writer. Of concurrent redemptions of one token,
     * on any node, exactly one proceeds; the others wait for its commit and get {@link RedeemedConcurrently}, instead
     * of all rotating it (two live families) or failing on the key later. A redemption that fails releases the claim.
     */
    <T> T redeemOnce(String presented, java.util.function.Supplier<T> redemption) {
        return tx.execute(status -> {
            OAuth2Authorization current = delegate.findByToken(presented, OAuth2TokenType.REFRESH_TOKEN);
            if (current == null && findRotated(presented).isPresent()) {
                // Rotated by a redemption that committed after the caller's first look.
                throw new RedeemedConcurrently();
            }
            if (current != null && current.getRefreshToken() != null) {
                try {
                    recordRotation(presented, current.getId(), current.getRefreshToken().getToken().getExpiresAt());
                } catch (org.springframework.dao.DataIntegrityViolationException
                         | org.springframework.dao.TransientDataAccessException lost) {
                    // The key is taken, or held by a redemption still running (H2 gives up waiting for its lock).
                    throw new RedeemedConcurrently();
                }
            }
            return redemption.get();
        });
    }

    /** The authorization id a rotated-away refresh token belonged to, and when it was rotated. */
    java.util.Optional<RotatedRefreshToken> findRotated(String refreshTokenValue) {
        return jdbc.sql("select authorization_id, rotated_at from refresh_token_history where token_hash = ?")
                .param(hash(refreshTokenValue))
                .query((rs, n) -> new RotatedRefreshToken(rs.getString(1), rs.getTimestamp(2).toInstant()))
                .optional();
    }

    record RotatedRefreshToken(String authorizationId, Instant rotatedAt) {}

    static String hash(String value) {
        return HexFormat.of().formatHex(SecretCipher.sha256(value.getBytes(StandardCharsets.UTF_8)));
    }
}
