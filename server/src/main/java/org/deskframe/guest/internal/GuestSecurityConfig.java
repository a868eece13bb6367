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
import org.springframework.security.config.http.SessionCreationPolicy;
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

    @Bean
    @Order(-2)
    SecurityFilterChain guestChain(HttpSecurity http) throws Exception {
        http.securityMatcher(PATH);
        http.authorizeHttpRequests(a -> a.anyRequest().permitAll());
        http.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
        http.csrf(c -> c.disable());
        http.requestCache(c -> c.disable());
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
