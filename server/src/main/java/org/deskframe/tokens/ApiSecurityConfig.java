package org.deskframe.tokens;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.HttpProblems;
import org.deskframe.diagnostics.Problem;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.identity.Scope;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Bearer-token protection of {@code /api/**}: Spring's resource server with the {@link AccessTokenVerifier} as its
 * decoder, so every refusal carries the verifier's exact catalogue code (RFC 6750 header plus JSON body). Tokens in
 * the URL are refused outright. The admin API needs scope {@code admin}.
 */
@Configuration(proxyBeanMethods = false)
class ApiSecurityConfig implements WebMvcConfigurer {

    static final String VERIFIED = VerifiedToken.class.getName();
    /** The Prometheus scrape endpoint (docs/observability.md): a bearer token with metrics:read, like the API. */
    static final String METRICS = "/actuator/prometheus";

    @Bean
    JwtDecoder jwtDecoder(AccessTokenVerifier verifier) {
        return token -> {
            try {
                VerifiedToken verified = verifier.verify(token);
                currentRequest().ifPresent(r -> r.setAttribute(VERIFIED, verified));
                var claims = new java.util.LinkedHashMap<String, Object>();
                claims.put("sub", verified.subject());
                claims.put("scope", String.join(" ", verified.scopes()));
                claims.put("client_id", verified.clientId());
                if (verified.orgId() != null) claims.put("org", verified.orgId());
                claims.put("jti", verified.jti());
                return Jwt.withTokenValue(token).header("alg", "RS256").claims(c -> c.putAll(claims))
                        .issuedAt(verified.issuedAt()).expiresAt(verified.expiresAt()).build();
            } catch (ProblemException e) {
                throw new ProblemJwtException(e);
            }
        };
    }

    @Bean
    @Order(0)
    SecurityFilterChain apiChain(HttpSecurity http) throws Exception {
        http.securityMatcher("/api/**", METRICS);
        // (The gateway's path on this port has a chain of its own, ahead of this one: gateway/StreamElsewhereSecurity.)
        http.authorizeHttpRequests(a -> a.requestMatchers("/api/v2/admin/**").hasAuthority("SCOPE_admin")
                .requestMatchers(METRICS).hasAuthority("SCOPE_" + Scope.METRICS_READ.value())
                .anyRequest().authenticated());
        http.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
        http.csrf(c -> c.disable());
        http.oauth2ResourceServer(rs -> rs
                .jwt(org.springframework.security.config.Customizer.withDefaults())
                .bearerTokenResolver(ApiSecurityConfig::resolveBearer)
                .authenticationEntryPoint((request, response, e) -> HttpProblems.write(response, problemFor(request, e)))
                .accessDeniedHandler((request, response, e) -> HttpProblems.write(response, scopeProblem(request))));
        http.addFilterAfter(new GuestConfinement(), org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter.class);
        http.addFilterAfter(new DeploymentMetricsOnly(), GuestConfinement.class);
        return http.build();
    }

    /**
     * A guest token (a customer's, scope {@code guest}) reaches the history and the attachments of its own
     * conversations, the ICE servers for its calls and its calls' records, and nothing else of the API: every other path answers exactly
     * what a path that does not exist answers, so a guest learns nothing of the agent and admin APIs (not even that
     * they exist).
     */
    static final class GuestConfinement extends org.springframework.web.filter.OncePerRequestFilter {
        private static final java.util.regex.Pattern OPEN_TO_GUESTS = java.util.regex.Pattern.compile(
                "/api/v2/conversations/[^/]+/(messages|attachments/[^/]+)|/api/v2/calls/[^/]+");
        private static final java.util.regex.Pattern GUESTS_POST = java.util.regex.Pattern.compile(
                "/api/v2/conversations/[^/]+/attachments");

        @Override
        protected void doFilterInternal(HttpServletRequest request, jakarta.servlet.http.HttpServletResponse response,
                                        jakarta.servlet.FilterChain chain) throws jakarta.servlet.ServletException, java.io.IOException {
            if (request.getAttribute(VERIFIED) instanceof VerifiedToken t && t.isGuestToken()) {
                String path = request.getRequestURI().substring(request.getContextPath().length());
                boolean open = "GET".equals(request.getMethod()) ? OPEN_TO_GUESTS.matcher(path).matches()
                        : "POST".equals(request.getMethod()) && GUESTS_POST.matcher(path).matches();
                if (!open) {
                    HttpProblems.write(response, Problem.of(ErrorCode.NOT_FOUND, Map.of("resource", "Path '" + path + "'")));
                    return;
                }
            }
            chain.doFilter(request, response);
        }
    }

    /**
     * The metrics are the whole deployment's: an organisation's client that was given metrics:read (the admin API lets
     * an org admin choose its clients' scopes) is still told they belong to the deployment administrator.
     */
    static final class DeploymentMetricsOnly extends org.springframework.web.filter.OncePerRequestFilter {
        @Override
        protected void doFilterInternal(HttpServletRequest request, jakarta.servlet.http.HttpServletResponse response,
                                        jakarta.servlet.FilterChain chain) throws jakarta.servlet.ServletException, java.io.IOException {
            if (request.getRequestURI().equals(METRICS) && request.getAttribute(VERIFIED) instanceof VerifiedToken t && t.orgId() != null) {
                HttpProblems.write(response, Problem.of(ErrorCode.ADMIN_DEPLOYMENT_ONLY, Map.of(
                        "operation", "read the deployment's metrics (" + METRICS + ")", "client", t.clientId(), "org", t.orgId())));
                return;
            }
            chain.doFilter(request, response);
        }
    }

    /** Header only; a token in the query string is refused instead of silently ignored. */
    private static String resolveBearer(HttpServletRequest request) {
        if (request.getParameter("access_token") != null || request.getParameter("token") != null) {
            throw new TokenInUrlException();
        }
        String header = request.getHeader("Authorization");
        if (header == null) return null;
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            // An AuthenticationException, unlike ProblemJwtException: the resolver runs outside the decoder, where
            // anything else escapes the filter as a 500.
            throw new BearerHeaderException(Problem.of(ErrorCode.TOKEN_MALFORMED, Map.of("reason",
                    "the Authorization header does not use the Bearer scheme")));
        }
        return header.substring(7).trim();
    }

    static Problem problemFor(HttpServletRequest request, AuthenticationException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ProblemJwtException p) return p.problem();
            if (t instanceof TokenInUrlException) return Problem.of(ErrorCode.TOKEN_IN_URL);
            if (t instanceof BearerHeaderException b) return b.problem();
        }
        if (request.getHeader("Authorization") == null) {
            String proxy = proxyEvidence(request);
            return proxy == null ? Problem.of(ErrorCode.TOKEN_MISSING) : Problem.of(ErrorCode.TOKEN_MISSING_BEHIND_PROXY, Map.of("proxy", proxy));
        }
        return Problem.of(ErrorCode.TOKEN_MALFORMED, Map.of("reason", String.valueOf(e.getMessage())));
    }

    private static String proxyEvidence(HttpServletRequest request) {
        for (String h : List.of("Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "Via")) {
            if (request.getHeader(h) != null) return h + " header present";
        }
        return null;
    }

    /** Only the admin API and the metrics are scope-guarded by the chain; the verified token was stashed by the decoder. */
    private static Problem scopeProblem(HttpServletRequest request) {
        VerifiedToken token = (VerifiedToken) request.getAttribute(VERIFIED);
        Scope needed = request.getRequestURI().equals(METRICS) ? Scope.METRICS_READ : Scope.ADMIN;
        return token.missingScopes(List.of(needed.value()), request.getRequestURI());
    }

    private static java.util.Optional<HttpServletRequest> currentRequest() {
        var attrs = org.springframework.web.context.request.RequestContextHolder.getRequestAttributes();
        return attrs instanceof org.springframework.web.context.request.ServletRequestAttributes s
                ? java.util.Optional.of(s.getRequest()) : java.util.Optional.empty();
    }

    /** Lets controllers take the {@link VerifiedToken} of the current request as a parameter. */
    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new HandlerMethodArgumentResolver() {
            @Override
            public boolean supportsParameter(MethodParameter parameter) {
                return parameter.getParameterType() == VerifiedToken.class;
            }

            @Override
            public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mav, NativeWebRequest request,
                                          WebDataBinderFactory binders) {
                Object v = request.getAttribute(VERIFIED, NativeWebRequest.SCOPE_REQUEST);
                if (v == null) throw ProblemException.of(ErrorCode.TOKEN_MISSING, Map.of());
                return v;
            }
        });
    }

    static final class ProblemJwtException extends BadJwtException {
        private final transient Problem problem;

        ProblemJwtException(ProblemException e) {
            super(e.problem().code(), e);
            this.problem = e.problem();
        }

        Problem problem() {
            return problem;
        }
    }

    static final class BearerHeaderException extends org.springframework.security.oauth2.server.resource.InvalidBearerTokenException {
        private final transient Problem problem;

        BearerHeaderException(Problem problem) {
            super(problem.code());
            this.problem = problem;
        }

        Problem problem() {
            return problem;
        }
    }

    static final class TokenInUrlException extends org.springframework.security.oauth2.server.resource.InvalidBearerTokenException {
        TokenInUrlException() {
            super("token in URL");
        }
    }
}
