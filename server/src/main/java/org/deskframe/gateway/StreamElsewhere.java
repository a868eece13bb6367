package org.deskframe.gateway;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.Problem;
import org.deskframe.diagnostics.ProblemException;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The gateway's path on the HTTP API's port: a client or reverse proxy that still sends the WebSocket here learns
 * where the gateway is ({@code endpoint.wrong_port}, HTTP 421) instead of getting a bare 404 or a failed upgrade.
 */
@RestController
class StreamElsewhere {

    private final GatewayEndpoint gateway;

    StreamElsewhere(GatewayEndpoint gateway) {
        this.gateway = gateway;
    }

    @RequestMapping(GatewayEndpoint.PATH)
    void stream(HttpServletRequest request) {
        String url = gateway.streamUrl(request.getScheme(), request.getServerName());
        throw new ProblemException(Problem.of(ErrorCode.ENDPOINT_WRONG_PORT, Map.of(
                "requested", "the gateway WebSocket " + GatewayEndpoint.PATH, "served", "the HTTP API", "right", url)));
    }
}
