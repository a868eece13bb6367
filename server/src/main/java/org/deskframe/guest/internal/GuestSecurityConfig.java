package org.deskframe.guest.internal;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code /api/v2/guest/**} takes no bearer token (a guest session is how a customer gets one): ahead of the API's
 * chain. It is called cross-origin from the customer's page, so it answers CORS for any origin — its refusals too, so
 * the messenger can show them; what protects it is the Origin check against the deployment, which a browser cannot forge.
 */
@Configuration(proxyBeanMethods = false)
class GuestSecurityConfig {

    static final String PATH = "/api/v2/guest/**";

    /**
     * Only what a request here needs: the security headers and CORS. Every customer's first request goes through this
     * chain, so it carries none of the filters that have nothing to do on it (each one also an observation per request):
     * no authentication of any kind is read here, so there is nothing to authorise (every request was permitted
     * anyway), no anonymous principal to make, no session, no logout, no request cache, no access-denied handling
     * (the controller answers its refusals itself, from the one error catalogue).
     */
    @Bean
    @Order(-2)
    SecurityFilterChain guestChain(HttpSecurity http) throws Exception {
        http.securityMatcher(PATH);
        http.sessionManagement(s -> s.disable());
        http.csrf(c -> c.disable());
        http.requestCache(c -> c.disable());
        http.logout(l -> l.disable());
        http.anonymous(a -> a.disable());
        http.servletApi(s -> s.disable());
        http.exceptionHandling(e -> e.disable());
        http.securityContext(c -> c.disable());
        http.addFilterBefore(new GuestCors(), HeaderWriterFilter.class);
        return http.build();
    }

    /** Echoes the Origin (never credentials); answers preflights itself. */
    static final class GuestCors extends OncePerRequestFilter {
        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            String origin = request.getHeader("Origin");
            if (origin != null) {
                response.setHeader("Access-Control-Allow-Origin", origin);
                response.addHeader("Vary", "Origin");
                response.setHeader("Access-Control-Expose-Headers", "Retry-After");
            }
            if ("OPTIONS".equals(request.getMethod()) && request.getHeader("Access-Control-Request-Method") != null) {
                response.setHeader("Access-Control-Allow-Methods", "GET, POST");
                response.setHeader("Access-Control-Allow-Headers", "Content-Type");
                response.setHeader("Access-Control-Max-Age", "600");
                response.setStatus(HttpServletResponse.SC_NO_CONTENT);
                return;
            }
            chain.doFilter(request, response);
        }
    }
}
