package org.deskframe.gateway;

import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.Problem;
import org.deskframe.identity.RegionSettings;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * Checks the Origin of the WebSocket upgrade against an exact allowlist: the platform's own origins (widgets run in
 * iframes the platform serves) plus {@code deskframe.gateway.extra-origins}. A browser page from anywhere else never
 * gets a session; instead of a bare HTTP 403 that browsers hide, the socket opens only to carry the
 * {@code origin.not_allowed} error frame and close code. Requests without Origin (non-browser clients) pass.
 */
@Component
class OriginGate implements HandshakeInterceptor {

    static final String PROBLEM_ATTRIBUTE = OriginGate.class.getName() + ".problem";

    private final Set<String> allowed;

    OriginGate(RegionSettings region, GatewaySettings settings) {
        Set<String> origins = new LinkedHashSet<>();
        origins.addAll(region.platformOrigins());
        origins.addAll(settings.extraOrigins());
        this.allowed = Set.copyOf(origins);
    }

    @Override
    public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
                                   Map<String, Object> attributes) {
        String origin = request.getHeaders().getOrigin();
        if (origin != null && !"null".equals(origin) && !wellFormed(origin)) {
            // No browser sends this; refuse before the upgrade (the transport cannot even parse it).
            Problem p = Problem.of(ErrorCode.ORIGIN_NOT_ALLOWED, Map.of("origin", origin, "client", "(the gateway)",
                    "allowed", allowed.stream().sorted().toList()));
            response.setStatusCode(org.springframework.http.HttpStatus.FORBIDDEN);
            response.getHeaders().setContentType(org.springframework.http.MediaType.APPLICATION_JSON);
            try {
                response.getBody().write(org.deskframe.diagnostics.HttpProblems.body(p));
            } catch (java.io.IOException ignored) {
                // the status alone still refuses it
            }
            return false;
        }
        if (origin != null && !allowed.contains(origin)) {
            attributes.put(PROBLEM_ATTRIBUTE, Problem.of(ErrorCode.ORIGIN_NOT_ALLOWED, Map.of("origin", origin,
                    "client", "(the gateway)", "allowed", allowed.stream().sorted().toList())));
        }
        return true;
    }

    @Override
    public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler, Exception exception) {
    }

    private static boolean wellFormed(String origin) {
        try {
            URI u = new URI(origin);
            return u.getScheme() != null && u.getHost() != null && (u.getPath() == null || u.getPath().isEmpty())
                    && u.getRawQuery() == null && u.getRawFragment() == null && u.getRawUserInfo() == null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    Set<String> allowed() {
        return allowed;
    }
}
