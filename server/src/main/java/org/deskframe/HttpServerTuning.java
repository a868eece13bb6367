package org.deskframe;

import org.eclipse.jetty.server.ServerConnector;
import org.springframework.boot.jetty.JettyServerCustomizer;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Settings of the HTTP API's Jetty that Boot has no property for. */
@Configuration(proxyBeanMethods = false)
class HttpServerTuning {

    /**
     * Jetty's listen backlog defaults to 50: a burst of connects (a node restart sends every desktop's token and
     * history requests back at once) overflows it, and the kernel's SYN retries turn into second-long requests
     * (shared/STACK.md).
     */
    static final int ACCEPT_QUEUE = 4096;

    /**
     * No Micrometer observation around each filter of every security chain (a timer per filter per request, ~5% of a
     * token request's CPU, measured in docs/benchmarks.md); authentications and authorizations are still observed,
     * and every request still gets its http.server.requests timing.
     */
    @Bean
    SecurityObservationSettings securityObservations() {
        return SecurityObservationSettings.withDefaults().shouldObserveRequests(false).build();
    }

    @Bean
    JettyServerCustomizer acceptQueue() {
        return server -> {
            for (var connector : server.getConnectors()) {
                if (connector instanceof ServerConnector c) c.setAcceptQueueSize(ACCEPT_QUEUE);
            }
        };
    }
}
