package org.deskframe.identity.internal;

import java.time.Clock;

import org.deskframe.identity.ClientDirectory;
import org.deskframe.identity.IdentitySettings;
import org.deskframe.identity.RegionSettings;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.authentication.ClientSecretAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.JwtClientAssertionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2DeviceCodeAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2RefreshTokenAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenExchangeAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenIntrospectionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.token.DelegatingOAuth2TokenGenerator;
import org.springframework.security.oauth2.server.authorization.web.authentication.JwtClientAssertionAuthenticationConverter;
import org.springframework.security.oauth2.server.authorization.web.authentication.OAuth2DeviceCodeAuthenticationConverter;
import org.springframework.security.oauth2.server.authorization.web.authentication.OAuth2TokenExchangeAuthenticationConverter;
import org.springframework.security.oauth2.server.authorization.token.JwtGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2RefreshTokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The OAuth 2 authorization server (Spring Security's), scoped to its own endpoints: discovery, JWKS, authorize
 * (code + PKCE S256), token (code, client_credentials, rotating refresh tokens with reuse detection, RFC 7523 JWT
 * bearer), revocation and introspection. Clients authenticate with a secret or private_key_jwt, behind a throttle.
 */
@Configuration(proxyBeanMethods = false)
class AuthorizationServerConfig {

    /** Agent passwords (people choose them: BCrypt). Client secrets have their own {@link ClientSecretHashes}. */
    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    RegisteredClientRepository registeredClientRepository(JdbcClientDirectory clients) {
        return new RegisteredClients(clients);
    }

    @Bean
    LedgeredAuthorizationService authorizationService(JdbcTemplate jdbcTemplate, RegisteredClientRepository clients,
                                                      JdbcTokenLedger ledger, JdbcClient jdbc, TransactionTemplate tx,
                                                      SigningKeyRing keys, IssuanceGroupCommit issuance) {
        return new LedgeredAuthorizationService(new JdbcOAuth2AuthorizationService(jdbcTemplate, clients), ledger, jdbc, tx,
                clients, keys, issuance);
    }

    @Bean
    OAuth2TokenGenerator<?> tokenGenerator(SigningKeyRing keys, RegionSettings region, JdbcAgentDirectory agents) {
        JwtGenerator jwt = new JwtGenerator(new NimbusJwtEncoder(keys));
        jwt.setJwtCustomizer(new AccessTokenClaims(region, agents, keys));
        return new DelegatingOAuth2TokenGenerator(jwt, new OAuth2RefreshTokenGenerator());
    }

    /**
     * After the character-encoding filter (the grant type is read from the form) and the request observation (so the
     * queue shows in http.server.requests), before the security chains that do the work.
     */
    @Bean
    FilterRegistrationBean<IssuanceAdmission> issuanceAdmissionFilter(IssuanceAdmission admission) {
        FilterRegistrationBean<IssuanceAdmission> registration = new FilterRegistrationBean<>(admission);
        registration.addUrlPatterns("/oauth2/token");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 2);
        return registration;
    }

    @Bean
    AuthorizationServerSettings authorizationServerSettings(RegionSettings region) {
        return AuthorizationServerSettings.builder().issuer(region.issuer()).build();
    }

    @Bean
    @Order(1)
    SecurityFilterChain authorizationServerChain(HttpSecurity http, LedgeredAuthorizationService authorizations,
                                                 OAuth2TokenGenerator<?> tokens, ClientDirectory clients,
                                                 JdbcAgentDirectory agents, RegisteredClientRepository registered,
                                                 RegionSettings region, IdentitySettings settings,
                                                 FailureThrottle throttle, ClientSecretHashes clientSecrets,
                                                 ObjectProvider<Clock> clock, IssuanceGroupCommit issuance) throws Exception {
        JwtBearerGrantProvider jwtBearer = new JwtBearerGrantProvider(clients, agents, authorizations, tokens, region, settings);
        JwtClientAssertionAuthenticationProvider privateKeyJwt = new JwtClientAssertionAuthenticationProvider(registered, authorizations);
        privateKeyJwt.setJwtDecoderFactory(new ClientAssertionDecoders(clients, region, settings, issuance));

        http.oauth2AuthorizationServer(as -> {
            http.securityMatcher(as.getEndpointsMatcher());
            as.authorizationService(authorizations)
                    .tokenGenerator(tokens)
                    .authorizationServerMetadataEndpoint(m -> m.authorizationServerMetadataCustomizer(DiscoveryMetadata::oauth))
                    .oidc(oidc -> oidc.providerConfigurationEndpoint(p -> p.providerConfigurationCustomizer(DiscoveryMetadata::openId)))
                    .authorizationEndpoint(ae -> ae.authenticationProviders(list -> list.forEach(p -> {
                        if (p instanceof OAuth2AuthorizationCodeRequestAuthenticationProvider codeRequests) {
                            codeRequests.setAuthenticationValidator(new AuthorizationRequestChecks(agents, clients));
                        }
                    })))
                    .clientAuthentication(ca -> ca
                            .authenticationConverters(list -> {
                                list.replaceAll(c -> c instanceof JwtClientAssertionAuthenticationConverter
                                        ? new ClientAssertionClientId(c) : c);
                                list.addFirst(new PkceChecks()); // refuses a malformed code_verifier, converts nothing
                            })
                            .authenticationProviders(list -> {
                                list.removeIf(p -> p instanceof JwtClientAssertionAuthenticationProvider);
                                list.add(privateKeyJwt);
                                list.forEach(p -> {
                                    if (p instanceof ClientSecretAuthenticationProvider secrets) {
                                        secrets.setPasswordEncoder(clientSecrets.verifier());
                                    }
                                });
                                // Each provider behind the gate: ProviderManager would let a later one override a refusal.
                                list.replaceAll(p -> new ClientThrottleGate(throttle, p));
                            })
                            .authenticationSuccessHandler((request, response, authentication) -> {
                                throttle.succeeded("client:" + authentication.getName());
                                var context = SecurityContextHolder.createEmptyContext();
                                context.setAuthentication(authentication);
                                SecurityContextHolder.setContext(context);
                            })
                            .errorResponseHandler(new TokenEndpointErrors(clients, throttle, true)))
                    .tokenIntrospectionEndpoint(ie -> ie.authenticationProviders(list -> list.replaceAll(p ->
                            p instanceof OAuth2TokenIntrospectionAuthenticationProvider ? new TenantScopedIntrospection(p, clients) : p)))
                    .tokenEndpoint(te -> te
                            // Only the grants Deskframe supports: no token exchange, no device flow.
                            .accessTokenRequestConverters(list -> list.removeIf(c -> c instanceof OAuth2TokenExchangeAuthenticationConverter
                                    || c instanceof OAuth2DeviceCodeAuthenticationConverter))
                            .accessTokenRequestConverter(new JwtBearerGrantConverter())
                            .authenticationProviders(list -> {
                                list.removeIf(p -> p instanceof OAuth2TokenExchangeAuthenticationProvider
                                        || p instanceof OAuth2DeviceCodeAuthenticationProvider);
                                list.replaceAll(p -> p instanceof OAuth2RefreshTokenAuthenticationProvider
                                        ? new RefreshTokenReuseDetector(p, authorizations, settings.refreshReuseLeeway(),
                                                clock.getIfAvailable(Clock::systemUTC)) : p);
                                list.add(jwtBearer);
                            })
                            .errorResponseHandler(new TokenEndpointErrors(clients, throttle, false)));
        });
        http.authorizeHttpRequests(a -> a.anyRequest().authenticated());
        http.oauth2ResourceServer(rs -> rs.jwt(Customizer.withDefaults()));
        // A POST to the token, revocation or introspection endpoint without client credentials is 401 invalid_client
        // (it used to be redirected to the login page, since curl and most libraries accept */*). Browsers are sent
        // to the login page.
        TokenEndpointErrors tokenErrors = new TokenEndpointErrors(clients, throttle, false);
        http.exceptionHandling(e -> e
                .defaultAuthenticationEntryPointFor((request, response, ex) -> tokenErrors.onAuthenticationFailure(request, response,
                        new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT,
                                "Client authentication is required: send the client id and secret with HTTP Basic, or a private_key_jwt client assertion.",
                                null))), PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, "/oauth2/**"))
                .defaultAuthenticationEntryPointFor(new LoginUrlAuthenticationEntryPoint("/login"),
                        new MediaTypeRequestMatcher(MediaType.TEXT_HTML)));
        return http.build();
    }

    /**
     * Agent sign-in, the platform's own pages (front page, docs, error pages) and everything not claimed by another
     * chain; none of them may be framed.
     */
    @Bean
    @Order(10)
    SecurityFilterChain loginChain(HttpSecurity http, JdbcAgentDirectory agents, PasswordEncoder encoder,
                                   FailureThrottle throttle) throws Exception {
        http.authenticationProvider(new AgentLogin(agents, encoder, throttle));
        http.authorizeHttpRequests(a -> a
                .requestMatchers("/", "/login", "/error", "/docs/**", "/site/**", "/actuator/health", "/actuator/health/**",
                        "/actuator/info", "/v3/api-docs/**", "/swagger-ui/**", "/swagger-ui.html", "/favicon.ico").permitAll()
                .anyRequest().authenticated());
        // The sign-in page is the platform's own (site module), with catalogue errors; Spring only processes the form.
        http.formLogin(form -> form.loginPage("/login").failureHandler(new AgentSignInFailures()));
        http.headers(h -> h.contentSecurityPolicy(csp -> csp.policyDirectives("frame-ancestors 'none'")));
        return http.build();
    }

}
