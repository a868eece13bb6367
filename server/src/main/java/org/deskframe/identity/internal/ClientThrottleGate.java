package org.deskframe.identity.internal;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;

/**
 * Wraps one client-authentication provider: a client that is being throttled is refused before its credentials are
 * even checked (so guessing gains nothing). Every provider is wrapped, because {@code ProviderManager} moves on after
 * a refusal and a later provider would otherwise authenticate the throttled client anyway.
 */
class ClientThrottleGate implements AuthenticationProvider {

    private final FailureThrottle throttle;
    private final AuthenticationProvider provider;

    ClientThrottleGate(FailureThrottle throttle, AuthenticationProvider provider) {
        this.throttle = throttle;
        this.provider = provider;
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return provider.supports(authentication);
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        if (authentication instanceof OAuth2ClientAuthenticationToken) {
            String clientId = String.valueOf(authentication.getPrincipal());
            throttle.retryAfter("client:" + clientId).ifPresent(wait -> {
                throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT,
                        TokenEndpointErrors.THROTTLED + " " + Math.max(1, wait.toSeconds()), null));
            });
        }
        return provider.authenticate(authentication);
    }
}
