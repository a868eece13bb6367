package org.deskframe.embed;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.Problem;
import org.deskframe.gateway.GatewayEndpoint;
import org.deskframe.identity.ClientDirectory;
import org.deskframe.identity.OAuthClient;
import org.deskframe.identity.RegionSettings;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * What {@code EmbeddingClient} checks before it mounts a widget: that {@code env} is a Deskframe deployment, which
 * issuer and region it is, and whether the named OAuth client may embed widgets on the calling page's origin. It
 * reveals nothing a widget page's CSP header does not already show, so it is public and readable from any origin.
 */
@RestController
class EmbedDiscovery {

    private final RegionSettings region;
    private final ClientDirectory clients;
    private final GatewayEndpoint gateway;

    EmbedDiscovery(RegionSettings region, ClientDirectory clients, GatewayEndpoint gateway) {
        this.region = region;
        this.clients = clients;
        this.gateway = gateway;
    }

    @GetMapping("/embed/v1/env")
    ResponseEntity<Map<String, Object>> env(@RequestParam(required = false) String client,
                                            @RequestParam(required = false) String origin,
                                            jakarta.servlet.http.HttpServletRequest request) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("issuer", region.issuer());
        body.put("region", region.id());
        // The gateway has a port of its own: its full URL, for the host this request reached.
        body.put("gateway", gateway.streamUrl(request.getScheme(), request.getServerName()));
        body.put("discovery", region.publicUrl() + "/.well-known/oauth-authorization-server");
        if (client != null && !client.isBlank()) {
            List<Problem> problems = problems(client, origin);
            Map<String, Object> embed = new LinkedHashMap<>();
            embed.put("client", client);
            embed.put("origin", origin);
            embed.put("allowed", problems.isEmpty());
            embed.put("problems", problems.stream().map(Problem::toMap).toList());
            body.put("embed", embed);
        }
        return ResponseEntity.ok().headers(EmbedAssets::crossOrigin).cacheControl(CacheControl.noStore()).body(body);
    }

    /** The checks that depend on the client and the page alone (the token's own checks happen at the handshake). */
    List<Problem> problems(String clientId, String origin) {
        Optional<OAuthClient> found = clients.find(clientId).filter(OAuthClient::enabled);
        if (found.isEmpty()) {
            return List.of(Problem.of(ErrorCode.CLIENT_UNKNOWN, Map.of("client", clientId)));
        }
        OAuthClient c = found.get();
        List<Problem> problems = new java.util.ArrayList<>();
        if (!c.canEmbed()) {
            problems.add(Problem.of(ErrorCode.CLIENT_EMBED_NOT_ALLOWED, Map.of("client", c.clientId())));
        }
        if (origin != null && !origin.isBlank() && !c.embedOrigins().contains(origin)) {
            problems.add(Problem.of(ErrorCode.ORIGIN_NOT_ALLOWED, Map.of("origin", origin, "client", c.clientId(),
                    "allowed", c.embedOrigins().stream().sorted().toList())));
        }
        return problems;
    }
}
