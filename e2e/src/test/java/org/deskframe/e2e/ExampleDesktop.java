package org.deskframe.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.deskframe.examples.desktop.AgentDesktop;
import org.deskframe.examples.desktop.DesktopSettings;

/**
 * The real example agent desktop ({@code examples/agent-desktop}), started in-process through its own configuration
 * API exactly as its {@code main} does, with the environment {@code ./run.sh} would give it: its own port and origin,
 * the platform's base URL, and the demo OAuth client and users (agent1 / agent1-demo-pass, agent2 / agent2-demo-pass).
 */
final class ExampleDesktop implements AutoCloseable {

    private final AgentDesktop desktop;

    ExampleDesktop(String platform, int port) {
        try {
            desktop = AgentDesktop.start(DesktopSettings.fromEnvironment(Map.of(
                    "DESKTOP_PORT", Integer.toString(port),
                    "DESKFRAME_ENV", platform)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The desktop's origin, e.g. {@code http://localhost:43121}. */
    String origin() {
        return desktop.origin().toString();
    }

    static String password(String user) {
        return user + "-demo-pass";
    }

    @Override
    public void close() {
        desktop.close();
    }
}
