package org.deskframe.embed;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.Problem;
import org.deskframe.gateway.GatewayEndpoint;
import org.deskframe.identity.ClientDirectory;
import org.deskframe.identity.OAuthClient;
import org.deskframe.identity.Widget;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * The page each widget iframe loads: {@code /embed/v1/widgets/{widget}?client=...}. Its CSP {@code frame-ancestors}
 * lists exactly the allowed embedding origins of the named OAuth client, so only those pages can frame it; an unknown
 * or disabled client gets {@code 'none'} and a page that says why. The page itself holds no data: its script waits
 * for the token by postMessage from the embedding page.
 */
@RestController
class WidgetPages {

    private final ClientDirectory clients;
    private final GatewayEndpoint gateway;

    WidgetPages(ClientDirectory clients, GatewayEndpoint gateway) {
        this.clients = clients;
        this.gateway = gateway;
    }

    @GetMapping(value = "/embed/v1/widgets/{widget:[a-z]+}", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<String> page(@PathVariable String widget, @RequestParam(required = false) String client,
                                HttpServletRequest request) {
        String streamUrl = gateway.streamUrl(request.getScheme(), request.getServerName());
        Optional<Widget> w = Widget.of(widget);
        if (w.isEmpty()) {
            return error(HttpStatus.NOT_FOUND, Problem.of(ErrorCode.NOT_FOUND, Map.of("resource", "Widget '" + widget
                    + "' (known widgets: " + Widget.known() + ")")), streamUrl);
        }
        if (client == null || client.isBlank()) {
            return error(HttpStatus.BAD_REQUEST, Problem.of(ErrorCode.REQUEST_INVALID, Map.of("reason",
                    "the widget URL must name the OAuth client whose tokens it will use: ?client=<client id>")), streamUrl);
        }
        Optional<OAuthClient> found = clients.find(client).filter(OAuthClient::enabled);
        if (found.isEmpty()) {
            return error(HttpStatus.NOT_FOUND, Problem.of(ErrorCode.CLIENT_UNKNOWN, Map.of("client", client)), streamUrl);
        }
        String ancestors = found.get().embedOrigins().stream().sorted().collect(Collectors.joining(" "));
        return FramedPages.page(html(w.get(), streamUrl), streamUrl, ancestors.isEmpty() ? "'none'" : ancestors);
    }

    private static String html(Widget widget, String streamUrl) {
        String notice = WidgetAvailability.notice(widget).orElse("");
        String script = !notice.isEmpty() ? "unavailable.js" : switch (widget) {
            case SUPERVISOR -> "supervisor.js";
            case VOICE -> "voice.js";
            case VIDEO -> "video.js";
            default -> "messaging.js";
        };
        String title = switch (widget) {
            case MESSAGING -> "Deskframe messaging";
            case VOICE -> "Deskframe voice";
            case VIDEO -> "Deskframe video";
            case MESSENGER -> "Deskframe messenger";
            case SUPERVISOR -> "Deskframe supervisor";
        };
        return FramedPages.shell(streamUrl, title, script, null, "class=\"df-widget df-%s\" data-widget=\"%s\" data-notice=\"%s\" aria-label=\"%s\""
                .formatted(widget.id(), widget.id(), HtmlUtils.htmlEscape(notice), title));
    }

    private static ResponseEntity<String> error(HttpStatus status, Problem problem, String streamUrl) {
        return FramedPages.error(status, problem, streamUrl, "widget");
    }
}
