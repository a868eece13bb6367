package org.deskframe.embed;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * {@code /embed/**} is public and stateless: the script, the widget pages and the embed discovery carry no secret
 * (tokens reach widgets by postMessage). Framing is not refused here: each widget page sets its own CSP
 * {@code frame-ancestors} from the OAuth client it names, so Spring Security's default {@code X-Frame-Options: DENY}
 * is switched off for this chain only.
 */
@Configuration(proxyBeanMethods = false)
class EmbedSecurityConfig {

    @Bean
    @Order(5)
    SecurityFilterChain embedChain(HttpSecurity http) throws Exception {
        http.securityMatcher("/embed/**");
        http.authorizeHttpRequests(a -> a.anyRequest().permitAll());
        http.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
        http.csrf(c -> c.disable());
        http.requestCache(c -> c.disable());
        http.headers(h -> h.frameOptions(f -> f.disable()));
        return http.build();
    }
}
