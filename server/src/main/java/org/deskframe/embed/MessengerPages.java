package org.deskframe.embed;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.Problem;
import org.deskframe.gateway.GatewayEndpoint;
import org.deskframe.guest.MessengerDeployment;
import org.deskframe.guest.MessengerDeployments;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * The messenger's panel, the page its iframe loads: {@code /embed/v1/messenger/{deployment}}. Its CSP
 * {@code frame-ancestors} is exactly the deployment's allowed origins; an unknown deployment gets
 * {@code guest.deployment_unknown} and a page that says so (framed by no one, so the snippet reports the code itself).
 * The page holds nothing: the snippet on the customer's page hands it the guest token by postMessage.
 */
@RestController
class MessengerPages {

    static final String PATH = "/embed/v1/messenger/";

    private final MessengerDeployments deployments;
    private final GatewayEndpoint gateway;

    MessengerPages(MessengerDeployments deployments, GatewayEndpoint gateway) {
        this.deployments = deployments;
        this.gateway = gateway;
    }

    @GetMapping(value = PATH + "{deployment}", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<String> panel(@PathVariable String deployment, HttpServletRequest request) {
        String streamUrl = gateway.streamUrl(request.getScheme(), request.getServerName());
        Optional<MessengerDeployment> d = deployments.find(deployment);
        if (d.isEmpty()) {
            return error(Problem.of(ErrorCode.GUEST_DEPLOYMENT_UNKNOWN, Map.of("deployment", deployment)), streamUrl);
        }
        String ancestors = d.get().allowedOrigins().stream().sorted().collect(Collectors.joining(" "));
        return FramedPages.page(html(d.get(), streamUrl), streamUrl, ancestors);
    }

    private static String html(MessengerDeployment d, String streamUrl) {
        return FramedPages.shell(streamUrl, d.name(), "messenger.js", "messenger.css",
                "class=\"df-widget df-messenger\" data-deployment=\"%s\" aria-label=\"%s\""
                        .formatted(HtmlUtils.htmlEscape(d.id()), HtmlUtils.htmlEscape(d.name())));
    }

    private static ResponseEntity<String> error(Problem problem, String streamUrl) {
        return FramedPages.error(HttpStatus.valueOf(problem.error().httpStatus()), problem, streamUrl, "messenger");
    }
}
