package org.deskframe.identity.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.deskframe.diagnostics.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2RefreshTokenAuthenticationToken;

/**
 * Wraps Spring's refresh-token provider: a refresh token that was already rotated away is either a client's
 * concurrent retry (within the leeway: {@code refresh.rotated}, nothing revoked) or a stolen copy (after it:
 * {@code refresh.reused}, and the whole family, i.e. the authorization's current tokens and every access token it
 * issued, is revoked). Any other token goes to Spring's
 * provider. It wraps rather than precedes it because {@code ProviderManager} would let the next provider's bare
 * {@code invalid_grant} replace this one's explanation.
 */
class RefreshTokenReuseDetector implements AuthenticationProvider {

    private static final Logger log = LoggerFactory.getLogger(RefreshTokenReuseDetector.class);

    private final AuthenticationProvider refreshTokens;
    private final LedgeredAuthorizationService authorizations;
    private final Duration leeway;
    private final Clock clock;

    RefreshTokenReuseDetector(AuthenticationProvider refreshTokens, LedgeredAuthorizationService authorizations, Duration leeway,
                              Clock clock) {
        this.refreshTokens = refreshTokens;
        this.authorizations = authorizations;
        this.leeway = leeway;
        this.clock = clock;
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return OAuth2RefreshTokenAuthenticationToken.class.isAssignableFrom(authentication) && refreshTokens.supports(authentication);
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String presented = ((OAuth2RefreshTokenAuthenticationToken) authentication).getRefreshToken();
        var rotated = authorizations.findRotated(presented);
        if (rotated.isEmpty()) {
            try {
                return authorizations.redeemOnce(presented, () -> refreshTokens.authenticate(authentication));
            } catch (LedgeredAuthorizationService.RedeemedConcurrently lost) {
                // A retry racing the request that rotated it: the client keeps whichever answer arrives with new tokens.
                throw CatalogueOAuth2Error.refusal(OAuth2ErrorCodes.INVALID_GRANT, ErrorCode.REFRESH_ROTATED,
                        Map.of("rotatedSecondsAgo", 0));
            }
        }
        Duration age = Duration.between(rotated.get().rotatedAt(), clock.instant());
        if (age.compareTo(leeway) <= 0) {
            throw CatalogueOAuth2Error.refusal(OAuth2ErrorCodes.INVALID_GRANT, ErrorCode.REFRESH_ROTATED,
                    Map.of("rotatedSecondsAgo", age.toSeconds()));
        }
        OAuth2Authorization family = authorizations.findById(rotated.get().authorizationId());
        if (family != null) {
            OAuth2Authorization.Builder revoked = OAuth2Authorization.from(family);
            if (family.getRefreshToken() != null) revoked.invalidate(family.getRefreshToken().getToken());
            if (family.getAccessToken() != null) revoked.invalidate(family.getAccessToken().getToken());
            authorizations.save(revoked.build());
        }
        log.warn("Refresh token reuse detected for authorization {} (client {}, principal {}): token family revoked",
                rotated.get().authorizationId(), family == null ? "?" : family.getRegisteredClientId(),
                family == null ? "?" : family.getPrincipalName());
        throw CatalogueOAuth2Error.refusal(OAuth2ErrorCodes.INVALID_GRANT, ErrorCode.REFRESH_REUSED,
                Map.of("rotatedSecondsAgo", age.toSeconds()));
    }
}
