package org.deskframe.calls.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deskframe.calls.CallSettings;
import org.deskframe.identity.Scope;
import org.deskframe.tokens.VerifiedToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The ICE servers a caller may use, in the shape of {@code RTCConfiguration.iceServers}: agents with scope
 * {@code voice} or {@code video}, and customers (guest tokens) for the calls of their conversation. TURN credentials
 * are bound to the caller (agent id or customer id in the username) and expire after
 * {@code deskframe.calls.credential-ttl}; they are never cached by the browser ({@code Cache-Control: no-store}).
 */
@RestController
class IceServersController {

    private final CallSettings settings;
    private final CallMetrics metrics;
    private final Clock clock = Clock.systemUTC();

    IceServersController(CallSettings settings, CallMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
    }

    @GetMapping(value = "/api/v2/calls/ice-servers")
    @Operation(summary = "STUN and TURN servers for a call, with short-lived TURN credentials (docs/calls.md)")
    org.springframework.http.ResponseEntity<Map<String, Object>> iceServers(@Parameter(hidden = true) VerifiedToken token) {
        String who, kind;
        if (token.isGuestToken()) {
            who = "customer-" + token.guest().customerId();
            kind = "customer";
        } else {
            if (!token.scopes().contains(Scope.VOICE.value()) && !token.scopes().contains(Scope.VIDEO.value())) {
                token.requireScopes(List.of(Scope.VOICE.value()), "the ICE servers API (voice or video calls)");
            }
            who = token.agentId() != null ? token.agentId() : token.clientId();
            kind = token.agentId() != null ? "agent" : "client";
        }
        List<Map<String, Object>> servers = new ArrayList<>();
        if (!settings.stunUrls().isEmpty()) servers.add(Map.of("urls", settings.stunUrls()));
        Map<String, Object> body = new LinkedHashMap<>();
        if (!settings.turnUrls().isEmpty()) {
            Instant expiresAt = clock.instant().plus(settings.credentialTtl());
            TurnCredentials.Credential c = TurnCredentials.issue(settings.turnSecret(), who, expiresAt);
            Map<String, Object> turn = new LinkedHashMap<>();
            turn.put("urls", settings.turnUrls());
            turn.put("username", c.username());
            turn.put("credential", c.password());
            servers.add(turn);
            metrics.turnCredentialIssued(kind);
            body.put("expiresAt", expiresAt.toString());
            body.put("ttlSeconds", settings.credentialTtl().toSeconds());
        }
        body.put("iceServers", servers);
        // Without TURN a call connects only where the browsers find a direct path (docs/calls.md says how to add coturn).
        body.put("turn", !settings.turnUrls().isEmpty());
        return org.springframework.http.ResponseEntity.ok().header("Cache-Control", "no-store").body(body);
    }
}
