package org.deskframe.examples.desktop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DesktopSettingsTests {

    @Test
    void defaultsAreTheDemoSetup() {
        DesktopSettings s = DesktopSettings.fromEnvironment(Map.of());
        assertThat(s.port()).isEqualTo(8081);
        assertThat(s.platform()).hasToString("http://localhost:8080");
        assertThat(s.org()).isEqualTo("demo");
        assertThat(s.clientId()).isEqualTo("demo-backend");
        assertThat(s.demoUsers()).isTrue();
        assertThat(s.users().get("agent2").password()).isEqualTo("agent2-demo-pass");
        assertThat(s.origin(8081)).hasToString("http://localhost:8081");
        assertThat(s.toString()).doesNotContain(s.clientSecret()).doesNotContain("agent1-demo-pass");
    }

    @Test
    void usersMapToPlatformAgents() {
        DesktopSettings s = DesktopSettings.fromEnvironment(Map.of("DESKTOP_USERS", "alice:pw1:agent1, bob:pw2",
                "DESKFRAME_ENV", "https://eu.deskframe.example/", "DESKTOP_PORT", "9000"));
        assertThat(s.users().get("alice").agent()).isEqualTo("agent1");
        assertThat(s.users().get("bob").agent()).isEqualTo("bob");
        assertThat(s.demoUsers()).isFalse();
        assertThat(s.platform()).hasToString("https://eu.deskframe.example");
        assertThatThrownBy(() -> DesktopSettings.parseUsers("nopassword")).hasMessageContaining("user:password");
    }
}
