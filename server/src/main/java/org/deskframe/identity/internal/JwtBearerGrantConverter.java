package org.deskframe.identity.internal;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.deskframe.identity.OAuthClient;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.web.authentication.AuthenticationConverter;

/** Reads {@code grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer}, {@code assertion} and {@code scope}. */
class JwtBearerGrantConverter implements AuthenticationConverter {

    @Override
    public Authentication convert(HttpServletRequest request) {
        if (!OAuthClient.GRANT_JWT_BEARER.equals(request.getParameter("grant_type"))) {
            return null;
        }
        String[] assertions = request.getParameterValues("assertion");
        if (assertions == null || assertions.length != 1 || assertions[0].isBlank()) {
            throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST,
                    "exactly one 'assertion' parameter (a JWT signed by the client) is required", null));
        }
        String scope = request.getParameter("scope");
        Set<String> scopes = scope == null || scope.isBlank() ? Set.of()
                : new LinkedHashSet<>(Arrays.asList(scope.trim().split("\\s+")));
        Authentication client = SecurityContextHolder.getContext().getAuthentication();
        return new JwtBearerGrantToken(assertions[0], client, scopes, Map.of());
    }
}
