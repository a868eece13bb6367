package org.deskframe.guest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.guest.MessengerDeployments.Definition;
import org.junit.jupiter.api.Test;

class DeploymentRulesTests {

    private static Definition def(List<String> origins, String secret, String jwks) {
        return new Definition("web", "Web", origins, "q", "Hi", null, null, List.of(), secret, jwks, false);
    }

    @Test
    void whenOriginsAreExactThenTheyPass() {
        DeploymentRules.check(def(List.of("https://shop.example", "http://localhost:8082"), null, null));
        assertThat(DeploymentRules.origins(List.of("https://a.example", "https://a.example"))).containsExactly("https://a.example");
    }

    @Test
    void whenAnOriginHasAPathASlashOrAWildcardThenItIsNamed() {
        for (String bad : List.of("https://shop.example/", "https://*.example", "shop.example", "https://shop.example/chat")) {
            assertThatThrownBy(() -> DeploymentRules.check(def(List.of(bad), null, null)))
                    .isInstanceOf(ProblemException.class).hasMessageContaining(bad);
        }
    }

    @Test
    void whenVerificationIsAmbiguousOrWeakThenItIsRefused() {
        assertThatThrownBy(() -> DeploymentRules.check(def(List.of("https://a.example"), "x".repeat(40), "https://a.example/jwks")))
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> DeploymentRules.check(def(List.of("https://a.example"), "short", null)))
                .hasMessageContaining("at least 32 bytes");
        assertThatThrownBy(() -> DeploymentRules.check(def(List.of("https://a.example"), null, "ftp://a.example/jwks")))
                .hasMessageContaining("http(s)");
        DeploymentRules.check(def(List.of("https://a.example"), "x".repeat(32), null));
    }
}
