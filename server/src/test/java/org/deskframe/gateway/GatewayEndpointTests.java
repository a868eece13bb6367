package org.deskframe.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.deskframe.identity.RegionSettings;
import org.junit.jupiter.api.Test;

/** How the gateway's URL is announced, and which settings are refused at start-up with a clear reason. */
class GatewayEndpointTests {

    private static final Set<String> LOCAL = RegionSettings.withLoopbackTwin("http://localhost:8080");
    private static final Set<String> CC = RegionSettings.withLoopbackTwin("https://cc.example.com");

    @Test
    void withoutAPublicUrlThePlatformNameTheClientUsedIsAnnouncedWithTheGatewaysPort() {
        assertThat(GatewayServer.streamUrl(null, LOCAL, "http", "localhost", 8090)).isEqualTo("ws://localhost:8090/api/v2/stream");
        assertThat(GatewayServer.streamUrl(null, LOCAL, "http", "127.0.0.1", 8090)).isEqualTo("ws://127.0.0.1:8090/api/v2/stream");
        assertThat(GatewayServer.streamUrl(null, CC, "HTTPS", "cc.example.com", 8443)).isEqualTo("wss://cc.example.com:8443/api/v2/stream");
        assertThat(GatewayServer.streamUrl(null, CC, "https", "CC.Example.COM", 8443)).isEqualTo("wss://CC.Example.COM:8443/api/v2/stream");
        Set<String> v6 = Set.of("http://[::1]:8080");
        assertThat(GatewayServer.streamUrl(null, v6, "http", "::1", 8090)).isEqualTo("ws://[::1]:8090/api/v2/stream");
        assertThat(GatewayServer.streamUrl(null, v6, "http", "[::1]", 8090)).isEqualTo("ws://[::1]:8090/api/v2/stream");
    }

    @Test
    void aForeignHostHeaderIsNeverEchoedIntoTheAnnouncedUrl() {
        assertThat(GatewayServer.streamUrl(null, CC, "http", "evil.example", 8443)).isEqualTo("wss://cc.example.com:8443/api/v2/stream");
        assertThat(GatewayServer.streamUrl(null, CC, "https", "cc.example.com.evil.example", 8443))
                .isEqualTo("wss://cc.example.com:8443/api/v2/stream");
        assertThat(GatewayServer.streamUrl(null, LOCAL, "http", "10.0.0.5", 8090)).isEqualTo("ws://localhost:8090/api/v2/stream");
    }

    @Test
    void aPublicUrlIsAnnouncedAsItIs() {
        assertThat(GatewayServer.streamUrl("wss://cc.example.com/api/v2/stream", CC, "http", "10.0.0.5", 8090))
                .isEqualTo("wss://cc.example.com/api/v2/stream");
    }

    @Test
    void settingsThatCannotWorkAreRefusedNamingTheSetting() {
        assertThatThrownBy(() -> settings(70_000, null)).hasMessageContaining("deskframe.gateway.port must be between 0");
        assertThatThrownBy(() -> settings(8090, "https://cc.example.com/api/v2/stream"))
                .hasMessageContaining("deskframe.gateway.public-url must be a ws:// or wss:// URL with a path");
        assertThatThrownBy(() -> settings(8090, "wss://cc.example.com"))
                .hasMessageContaining("deskframe.gateway.public-url must be a ws:// or wss:// URL with a path");
        assertThat(settings(null, " ").port()).isEqualTo(8090);
        assertThat(settings(0, "wss://cc.example.com/api/v2/stream").publicUrl()).isEqualTo("wss://cc.example.com/api/v2/stream");
    }

    private static GatewaySettings settings(Integer port, String publicUrl) {
        return new GatewaySettings(null, null, 0, null, null, 0, 0, 0, 0, null, null, port, null, publicUrl, null, null, null, 0, null, null);
    }
}
