package org.deskframe.identity.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.nio.charset.StandardCharsets;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Spring Security's JDBC authorization store, plus the bookkeeping its JWTs need: every saved access token goes
 * into the {@link JdbcTokenLedger} (so invalidating it revokes it everywhere), a rotated-away refresh token goes
 * into the history (so its reuse can be detected), and invalidating a refresh token revokes its whole family.
 */
class LedgeredAuthorizationService implements OAuth2AuthorizationService {

    private final OAuth2AuthorizationService delegate;
    private final JdbcTokenLedger ledger;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;

    LedgeredAuthorizationService(OAuth2AuthorizationService delegate, JdbcTokenLedger ledger, JdbcClient jdbc,
                                 TransactionTemplate tx) {
        this.delegate = delegate;
        this.ledger = ledger;
        this.jdbc = jdbc;
        this.tx = tx;
    }

    @Override
    public void save(OAuth2Authorization authorization) {
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
            OAuth2Authorization.Token<OAuth2AccessToken> access = authorization.getAccessToken();
            if (access != null && access.getClaims() != null && access.getClaims().get("jti") != null) {
                Map<String, Object> claims = access.getClaims();
                Instant expires = access.getToken().getExpiresAt() != null ? access.getToken().getExpiresAt() : Instant.now();
                ledger.record(String.valueOf(claims.get("jti")), authorization.getId(), authorization.getRegisteredClientId(),
                        String.valueOf(claims.getOrDefault("sub", authorization.getPrincipalName())), expires,
                        access.isInvalidated());
            }
            OAuth2Authorization.Token<OAuth2RefreshToken> refresh = authorization.getRefreshToken();
            if (refresh != null && refresh.isInvalidated()) {
                ledger.revokeAuthorization(authorization.getId());
            }
        });
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
        return delegate.findByToken(token, tokenType);
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
