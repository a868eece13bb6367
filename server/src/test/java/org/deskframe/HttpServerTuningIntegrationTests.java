package org.deskframe;

import static org.assertj.core.api.Assertions.assertThat;

import org.deskframe.testing.DeskframeServerTest;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

/** The HTTP API's Jetty as HttpServerTuning sets it up, although virtual threads are on for the application. */
class HttpServerTuningIntegrationTests extends DeskframeServerTest {

    @Autowired
    WebServerApplicationContext context;

    @Test
    void httpRequestsRunOnJettysPlatformThreadPoolWhileVirtualThreadsAreOn() {
        assertThat(context.getEnvironment().getProperty("spring.threads.virtual.enabled")).isEqualTo("true");
        var pool = ((JettyWebServer) context.getWebServer()).getServer().getThreadPool();

        assertThat(pool).isInstanceOf(QueuedThreadPool.class);
        assertThat(((QueuedThreadPool) pool).getMaxThreads()).isEqualTo(HttpServerTuning.REQUEST_THREADS_MAX);
        // Served by that pool (not health: the shared test server's health follows what other tests did to it).
        assertThat(http.get("/.well-known/oauth-authorization-server", null).status()).isEqualTo(200);
    }
}
