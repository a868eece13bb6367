package org.deskframe.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.util.ResourceLeakDetector.Level;
import org.junit.jupiter.api.Test;

class GatewayLeakDetectionTests {

    @Test
    void whenNoLevelIsAskedForThenLeakDetectionIsOff() {
        assertThat(GatewayServer.leakDetection(null)).isEqualTo(Level.DISABLED);
        assertThat(GatewayServer.leakDetection(" ")).isEqualTo(Level.DISABLED);
    }

    @Test
    void whenALevelIsAskedForThenItIsUsed() {
        assertThat(GatewayServer.leakDetection("paranoid")).isEqualTo(Level.PARANOID);
        assertThat(GatewayServer.leakDetection("SIMPLE")).isEqualTo(Level.SIMPLE);
    }

    @Test
    void whenTheLevelIsUnknownThenTheErrorNamesTheProperty() {
        assertThatThrownBy(() -> GatewayServer.leakDetection("loud"))
                .hasMessageContaining("io.netty.leakDetection.level=loud").hasMessageContaining("paranoid");
    }
}
