package org.deskframe.examples.desktop;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The desktop's configuration, from the environment.
 *
 * @param port         DESKTOP_PORT, default 8081 (0: any free port)
 * @param publicUrl    DESKTOP_PUBLIC_URL, the desktop's own origin as browsers see it (default http://localhost:PORT);
 *                     it must be one of the OAuth client's allowed embedding origins
 * @param platform     DESKFRAME_ENV, the Deskframe deployment's base URL (default http://localhost:8080)
 * @param org          DESKFRAME_ORG, the organisation the agents belong to (default demo)
 * @param clientId     DESKFRAME_CLIENT_ID, the OAuth client of this backend (default demo-backend)
 * @param clientSecret DESKFRAME_CLIENT_SECRET (default: the demo client's demo secret)
 * @param scopes       DESKFRAME_SCOPES, space-separated scopes asked for each agent token
 * @param assertionJwk DESKFRAME_ASSERTION_JWK_FILE, a private JWK (RS256/ES256) to sign assertions with; absent: HS256
 *                     with the client secret
 * @param users        DESKTOP_USERS, {@code user:password[:agent],...}; absent: the demo users agent1 and agent2 with
 *                     the password {@code <username>-demo-pass}, the same as the platform's demo agents
 * @param demoUsers    whether the users are the demo ones (the login page then shows them)
 * @param sessionIdle  DESKTOP_SESSION_IDLE_MINUTES, how long a session lives without use (default 480)
 */
public record DesktopSettings(int port, URI publicUrl, URI platform, String org, String clientId, String clientSecret,
                              List<String> scopes, String assertionJwk, Map<String, DesktopUser> users, boolean demoUsers,
                              Duration sessionIdle) {

    /** A person who signs in to the desktop, and the platform agent they act as. */
    public record DesktopUser(String name, String password, String agent) {
        @Override
        public String toString() {
            return "DesktopUser[" + name + " -> " + agent + "]";
        }
    }

    public static final String DEMO_CLIENT_SECRET = "demo-backend-secret-0123456789abcdef";

    public static DesktopSettings fromEnvironment(Map<String, String> env) {
        int port = Integer.parseInt(env.getOrDefault("DESKTOP_PORT", "8081").trim());
        String usersSpec = env.get("DESKTOP_USERS");
        boolean demo = usersSpec == null || usersSpec.isBlank();
        Map<String, DesktopUser> users = demo ? demoUserTable() : parseUsers(usersSpec);
        String jwkFile = env.get("DESKFRAME_ASSERTION_JWK_FILE");
        String jwk = null;
        if (jwkFile != null && !jwkFile.isBlank()) {
            try {
                jwk = java.nio.file.Files.readString(java.nio.file.Path.of(jwkFile.trim()));
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("DESKFRAME_ASSERTION_JWK_FILE cannot be read: " + e.getMessage(), e);
            }
        }
        String publicUrl = env.getOrDefault("DESKTOP_PUBLIC_URL", "").isBlank() ? null : env.get("DESKTOP_PUBLIC_URL");
        return new DesktopSettings(port, publicUrl == null ? null : URI.create(strip(publicUrl)),
                URI.create(strip(env.getOrDefault("DESKFRAME_ENV", "http://localhost:8080"))),
                env.getOrDefault("DESKFRAME_ORG", "demo"),
                env.getOrDefault("DESKFRAME_CLIENT_ID", "demo-backend"),
                env.getOrDefault("DESKFRAME_CLIENT_SECRET", DEMO_CLIENT_SECRET),
                Arrays.stream(env.getOrDefault("DESKFRAME_SCOPES", "messaging:read messaging:write voice video presence agents:read supervisor:read")
                        .trim().split("\\s+")).filter(s -> !s.isEmpty()).toList(),
                jwk, users, demo,
                Duration.ofMinutes(Long.parseLong(env.getOrDefault("DESKTOP_SESSION_IDLE_MINUTES", "480").trim())));
    }

    /** The same settings on another port (the public URL follows unless it was set explicitly). */
    public DesktopSettings withPort(int newPort) {
        return new DesktopSettings(newPort, publicUrl, platform, org, clientId, clientSecret, scopes, assertionJwk, users,
                demoUsers, sessionIdle);
    }

    /** The origin browsers see this desktop at: DESKTOP_PUBLIC_URL, or http://localhost:&lt;port actually bound&gt;. */
    public URI origin(int boundPort) {
        return publicUrl != null ? publicUrl : URI.create("http://localhost:" + boundPort);
    }

    /**
     * The demo users: the platform's demo agents with the platform's demo passwords, so a person trying Deskframe has
     * one set of credentials, whether they sign in here or on the platform's own sign-in page.
     */
    static Map<String, DesktopUser> demoUserTable() {
        Map<String, DesktopUser> users = new LinkedHashMap<>();
        for (String agent : List.of("agent1", "agent2")) users.put(agent, new DesktopUser(agent, demoPassword(agent), agent));
        return users;
    }

    static Map<String, DesktopUser> parseUsers(String spec) {
        Map<String, DesktopUser> users = new LinkedHashMap<>();
        for (String entry : spec.split(",")) {
            String e = entry.trim();
            if (e.isEmpty()) continue;
            String[] parts = e.split(":", 3);
            if (parts.length < 2 || parts[0].isBlank() || parts[1].isEmpty()) {
                throw new IllegalArgumentException("DESKTOP_USERS entries are user:password[:agent], got '" + parts[0] + ":...'");
            }
            users.put(parts[0], new DesktopUser(parts[0], parts[1], parts.length == 3 && !parts[2].isBlank() ? parts[2] : parts[0]));
        }
        if (users.isEmpty()) throw new IllegalArgumentException("DESKTOP_USERS names no user");
        return users;
    }

    private static String strip(String url) {
        String u = url.trim();
        return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    }

    @Override
    public String toString() {
        return "DesktopSettings[port=" + port + ", platform=" + platform + ", org=" + org + ", client=" + clientId
                + ", users=" + users.keySet() + "]";
    }

    /** A demo user's password: the platform's demo agent password (DemoSettings.agentPassword on the server). */
    static String demoPassword(String agent) {
        return agent + "-demo-pass";
    }
}
