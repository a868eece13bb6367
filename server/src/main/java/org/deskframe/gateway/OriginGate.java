package org.deskframe.gateway;

import java.net.URISyntaxException;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.Problem;
import org.deskframe.identity.RegionSettings;
import org.springframework.stereotype.Component;

/**
 * Checks the Origin of the WebSocket upgrade against an exact allowlist: the platform's own origins (widgets run in
 * iframes the platform serves) plus {@code deskframe.gateway.extra-origins}. A browser page from anywhere else never
 * gets a session; instead of a bare HTTP 403 that browsers hide, the socket opens only to carry the
 * {@code origin.not_allowed} error frame and close code. Requests without Origin (non-browser clients) pass.
 */
@Component
class OriginGate {

    /** What the upgrade gets: a session, a session that only carries {@code problem}, or a refusal before the upgrade. */
    enum Outcome { ALLOWED, SESSION_REFUSED, UPGRADE_REFUSED }

    record Verdict(Outcome outcome, Problem problem) {
        static final Verdict ALLOWED = new Verdict(Outcome.ALLOWED, null);
    }

    private final Set<String> allowed;

    OriginGate(RegionSettings region, GatewaySettings settings) {
        Set<String> origins = new LinkedHashSet<>();
        origins.addAll(region.platformOrigins());
        origins.addAll(settings.extraOrigins());
        this.allowed = Set.copyOf(origins);
    }

    Verdict check(String origin) {
        if (origin == null) return Verdict.ALLOWED;
        Problem problem = Problem.of(ErrorCode.GATEWAY_ORIGIN_NOT_ALLOWED, Map.of("origin", origin,
                "allowed", allowed.stream().sorted().toList()));
        if (!"null".equals(origin) && !wellFormed(origin)) {
            // No browser sends this: refuse before the upgrade.
            return new Verdict(Outcome.UPGRADE_REFUSED, problem);
        }
        return allowed.contains(origin) ? Verdict.ALLOWED : new Verdict(Outcome.SESSION_REFUSED, problem);
    }

    private static boolean wellFormed(String origin) {
        try {
            URI u = new URI(origin);
            return u.getScheme() != null && u.getHost() != null && (u.getPath() == null || u.getPath().isEmpty())
                    && u.getRawQuery() == null && u.getRawFragment() == null && u.getRawUserInfo() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
