package org.deskframe.gateway;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The gateway's path on the HTTP API's port answers anyone where the gateway is ({@link StreamElsewhere}): no token is
 * asked for a request that cannot carry one. Ahead of the API's own chain, which would otherwise refuse it.
 */
@Configuration(proxyBeanMethods = false)
class StreamElsewhereSecurity {

    @Bean
    @Order(-1)
    SecurityFilterChain streamElsewhereChain(HttpSecurity http) throws Exception {
        http.securityMatcher(GatewayEndpoint.PATH);
        http.authorizeHttpRequests(a -> a.anyRequest().permitAll());
        http.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
        http.csrf(c -> c.disable());
        return http.build();
    }
}
