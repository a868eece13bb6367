package org.deskframe.tokens;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.Problem;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.identity.AgentDirectory;
import org.deskframe.identity.ClientDirectory;
import org.deskframe.identity.OrgDirectory;
import org.deskframe.identity.Widget;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** What a token is and what it can open, answered before a widget ever tries. */
@RestController
@RequestMapping("/api/v2")
@Tag(name = "Token checks")
class TokenCheckController {

    private final WidgetAccess widgetAccess;
    private final AgentDirectory agents;
    private final ClientDirectory clients;
    private final OrgDirectory orgs;

    TokenCheckController(WidgetAccess widgetAccess, AgentDirectory agents, ClientDirectory clients, OrgDirectory orgs) {
        this.widgetAccess = widgetAccess;
        this.agents = agents;
        this.clients = clients;
        this.orgs = orgs;
    }

    @GetMapping("/tokens/me")
    @Operation(summary = "Who the presented token is for: agent, org, region, client, scopes, issue and expiry times")
    Map<String, Object> me(@io.swagger.v3.oas.annotations.Parameter(hidden = true) VerifiedToken token) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("agent", token.agentId() == null ? null : agents.find(token.agentId())
                .map(a -> Map.of("id", a.id(), "username", a.username(), "displayName", a.displayName(), "enabled", a.enabled()))
                .orElse(null));
        body.put("org", token.orgId() == null ? null : orgs.find(token.orgId())
                .map(o -> Map.of("id", o.id(), "name", o.name())).orElse(Map.of("id", token.orgId())));
        body.put("region", token.region());
        body.put("issuer", token.issuer());
        body.put("client", clients.find(token.clientId()).map(c -> Map.of("id", c.clientId(), "name", c.name(),
                "embed", c.canEmbed())).orElse(null));
        body.put("subject", token.subject());
        body.put("scopes", token.scopes().stream().sorted().toList());
        body.put("issuedAt", token.issuedAt());
        body.put("expiresAt", token.expiresAt());
        body.put("expiresInSeconds", Math.max(0, Duration.between(Instant.now(), token.expiresAt()).toSeconds()));
        return body;
    }

    @GetMapping("/authorize")
    @Operation(summary = "Dry run of the widget handshake checks, per widget, listing every problem with its fix")
    Map<String, Object> authorize(@io.swagger.v3.oas.annotations.Parameter(hidden = true) VerifiedToken token,
                                  @RequestParam(defaultValue = "messaging,voice,video") String widgets,
                                  @RequestParam(required = false) String origin,
                                  @RequestParam(required = false) String org) {
        List<String> ids = Arrays.stream(widgets.split(",")).map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
        Map<String, Object> result = new LinkedHashMap<>();
        for (String id : ids) {
            Widget widget = Widget.of(id).orElseThrow(() -> ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason",
                    "unknown widget '" + id + "'; known widgets: " + Widget.known())));
            List<Problem> problems = widgetAccess.problems(token, widget, org, origin);
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("ready", problems.isEmpty());
            w.put("requiredScopes", widget.requiredScopeValues());
            w.put("problems", problems.stream().map(Problem::toMap).toList());
            result.put(id, w);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("agent", token.agentId());
        body.put("org", token.orgId());
        body.put("client", token.clientId());
        body.put("widgets", result);
        return body;
    }
}
