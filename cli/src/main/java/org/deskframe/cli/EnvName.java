package org.deskframe.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The env rule EmbeddingClient follows (embed/v1/core.js: envOrigin, envMismatch), for {@code --env}: how a value
 * becomes an origin (no scheme: https, or http for localhost and 127.0.0.1; only the origin is kept), and which
 * origins name a deployment (those its embed discovery lists as {@code origins}, else its issuer). Both are tested
 * against the same cases (server/src/test/resources/env-rule.json).
 */
final class EnvName {

    private EnvName() {}

    /** The origin of an env value, or empty when it is not an http(s) URL or host. */
    static Optional<String> origin(String env) {
        if (env == null || env.isBlank()) return Optional.empty();
        String s = env.trim();
        if (!s.matches("(?i)^[a-z][a-z0-9+.-]*://.*")) {
            s = (s.matches("^(localhost|127\\.0\\.0\\.1)(:.*)?$") || s.matches("^(localhost|127\\.0\\.0\\.1)/.*") ? "http://" : "https://") + s;
        }
        try {
            URI u = new URI(s);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null) return Optional.empty();
            int port = u.getPort();
            boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
            return Optional.of(scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port));
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code origin} names the deployment whose issuer and announced origins are given. */
    static boolean names(String origin, String issuer, List<String> announced) {
        List<String> listed = announced == null || announced.isEmpty() ? List.of(issuer) : announced;
        return listed.stream().map(n -> origin(n).orElse(n)).anyMatch(origin::equals);
    }
}
