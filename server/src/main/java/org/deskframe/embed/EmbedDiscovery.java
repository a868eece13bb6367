package org.deskframe.embed;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deskframe.diagnostics.Problem;
import org.deskframe.gateway.GatewayEndpoint;
import org.deskframe.identity.RegionSettings;
import org.deskframe.tokens.WidgetAccess;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * What {@code EmbeddingClient} and {@code deskframe doctor} check before a widget connects: that {@code env} is a
 * Deskframe deployment, which issuer and region it is, the origins it answers under ({@code origins}: an {@code env}
 * outside them is {@code env.issuer_mismatch} for both), which widgets it can start, and whether the named OAuth
 * client may embed widgets on the calling page's origin (the handshake's own client checks). It reveals nothing a
 * widget page's CSP header does not already show, so it is public and readable from any origin.
 */
@RestController
class EmbedDiscovery {

    private final RegionSettings region;
    private final WidgetAccess access;
    private final GatewayEndpoint gateway;

    EmbedDiscovery(RegionSettings region, WidgetAccess access, GatewayEndpoint gateway) {
        this.region = region;
        this.access = access;
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
        // The names a client may use for this deployment as env: its issuer, and on a loopback host the loopback twin.
        body.put("origins", List.copyOf(region.platformOrigins()));
        body.put("widgets", WidgetAvailability.view());
        if (client != null && !client.isBlank()) {
            List<Problem> problems = access.clientProblems(client, origin);
            Map<String, Object> embed = new LinkedHashMap<>();
            embed.put("client", client);
            embed.put("origin", origin);
            embed.put("allowed", problems.isEmpty());
            embed.put("problems", problems.stream().map(Problem::toMap).toList());
            body.put("embed", embed);
        }
        return ResponseEntity.ok().headers(EmbedAssets::crossOrigin).cacheControl(CacheControl.noStore()).body(body);
    }
}
