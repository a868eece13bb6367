package org.deskframe.identity.internal;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;

/**
 * Runs before every client-authentication provider: a client that is being throttled is refused before its secret
 * is even checked (so guessing gains nothing). Otherwise it steps aside for the real providers.
 */
class ClientThrottleGate implements AuthenticationProvider {

    private final FailureThrottle throttle;

    ClientThrottleGate(FailureThrottle throttle) {
        this.throttle = throttle;
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return OAuth2ClientAuthenticationToken.class.isAssignableFrom(authentication);
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String clientId = String.valueOf(authentication.getPrincipal());
        throttle.retryAfter("client:" + clientId).ifPresent(wait -> {
            throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT,
                    TokenEndpointErrors.THROTTLED + " " + Math.max(1, wait.toSeconds()), null));
        });
        return null;
    }
}
