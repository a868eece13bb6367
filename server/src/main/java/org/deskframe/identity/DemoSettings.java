package org.deskframe.identity;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The embedded default's demo data.
 *
 * @param enabled      seed the demo orgs, agents and clients (idempotently) and print their credentials at start-up
 * @param desktopUrl   origin of the example agent desktop, allowed to embed the demo clients' widgets
 * @param extraOrigins more origins allowed to embed the demo clients' widgets (env DESKFRAME_DEMO_EXTRA_ORIGINS)
 */
@ConfigurationProperties("deskframe.demo")
public record DemoSettings(boolean enabled, String desktopUrl, List<String> extraOrigins) {

    /** The demo agents (platform sign-in and the example desktop, which maps its demo users to them). */
    public static final List<String> AGENTS = List.of("agent1", "agent2");

    /**
     * A demo agent's password: the same for the platform's sign-in page and the example desktop's own sign-in, so a
     * person has one set of credentials to type, wherever they sign in.
     */
    public static String agentPassword(String username) {
        return username + "-demo-pass";
    }

    public DemoSettings {
        if (desktopUrl == null || desktopUrl.isBlank()) desktopUrl = "http://localhost:8081";
        extraOrigins = extraOrigins == null ? List.of() : extraOrigins.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
