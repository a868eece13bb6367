package org.deskframe;

import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.springframework.boot.jetty.ConfigurableJettyWebServerFactory;
import org.springframework.boot.jetty.JettyServerCustomizer;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
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

    /** Boot's defaults for Jetty's platform-thread pool (server.jetty.threads.max / min / idle-timeout). */
    static final int REQUEST_THREADS_MAX = 200;
    static final int REQUEST_THREADS_MIN = 8;
    static final int REQUEST_THREADS_IDLE_MS = 60_000;

    /**
     * HTTP requests run on Jetty's pool of platform threads, although virtual threads are on for the rest of the
     * application (the gateway's frames, executors): measured on the token endpoint (docs/benchmarks.md, "Issuing
     * under 32 clients"), platform threads cost less CPU per request and gave shorter tails (virtual threads: outliers
     * of seconds while the cores are saturated). No HTTP endpoint waits long enough to need a virtual thread.
     */
    @Bean
    PlatformRequestThreads platformRequestThreads() {
        return new PlatformRequestThreads();
    }

    /** Runs after Boot's customiser, which installs a {@code VirtualThreadPool} when virtual threads are on. */
    static final class PlatformRequestThreads implements WebServerFactoryCustomizer<ConfigurableJettyWebServerFactory>, Ordered {
        @Override
        public void customize(ConfigurableJettyWebServerFactory factory) {
            QueuedThreadPool pool = new QueuedThreadPool(REQUEST_THREADS_MAX, REQUEST_THREADS_MIN, REQUEST_THREADS_IDLE_MS);
            pool.setName("jetty");
            factory.setThreadPool(pool);
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
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
