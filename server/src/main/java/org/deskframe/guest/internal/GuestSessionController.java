package org.deskframe.guest.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.guest.CustomerProfile;
import org.deskframe.guest.MessengerDeployment;
import org.deskframe.gateway.GatewayEndpoint;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The customer side's HTTP door: open (or resume) a guest session, and what a messenger may know of its deployment. */
@RestController
@RequestMapping(path = "/api/v2/guest", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Guest sessions", description = "The customer's messenger: guest sessions of a messenger deployment (no bearer token; the page's Origin is checked).")
class GuestSessionController {

    private final GuestSessions sessions;
    private final GatewayEndpoint gateway;

    GuestSessionController(GuestSessions sessions, GatewayEndpoint gateway) {
        this.sessions = sessions;
        this.gateway = gateway;
    }

    record SessionRequest(String deployment, String resume, String customerToken, Map<String, String> prechat, Boolean restart,
                          Boolean probe) {}

    @PostMapping(path = "/sessions", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "openGuestSession", summary = "Open or resume a customer's guest session",
            description = "Returns a short-lived guest access token (scope guest, bound to the deployment and the conversation) "
                    + "and the resume credential the messenger keeps; with resume, the same conversation, also once it ended "
                    + "(ended: true; its transcript stays readable); restart: true opens a new one for the same customer. 429 guest.rate_limited "
                    + "with Retry-After per page origin and client address. probe: true (deskframe doctor) runs every check and "
                    + "issues a token without opening a conversation.")
    ResponseEntity<Map<String, Object>> open(@RequestBody(required = false) SessionRequest body,
                                             @RequestHeader(name = "Origin", required = false) String origin,
                                             HttpServletRequest request, HttpServletResponse response) {
        if (body == null) {
            throw ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason", "the body must be JSON: {\"deployment\": \"<id>\"}"));
        }
        GuestSessions.Opened o;
        try {
            o = sessions.open(new GuestSessions.Request(body.deployment(), body.resume(), body.customerToken(), body.prechat(),
                    Boolean.TRUE.equals(body.restart()), Boolean.TRUE.equals(body.probe())), origin, request.getRemoteAddr());
        } catch (ProblemException e) {
            if (e.problem().error() == ErrorCode.GUEST_RATE_LIMITED) {
                response.setHeader("Retry-After", String.valueOf(e.problem().details().get("retryAfterSeconds")));
            }
            throw e;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("token", o.token().token());
        out.put("tokenType", "Bearer");
        out.put("expiresAt", o.token().expiresAt().toString());
        if (o.resume() != null) out.put("resume", o.resume());
        out.put("probe", GuestSessions.PROBE_CONVERSATION.equals(o.conversation()));
        out.put("conversation", o.conversation());
        out.put("resumed", o.resumed());
        out.put("ended", o.ended());
        out.put("customer", customerView(o.customer()));
        out.put("earlierConversations", o.earlierConversations());
        out.put("deployment", deploymentView(o.deployment()));
        out.put("gateway", gateway.streamUrl(request.getScheme(), request.getServerName()));
        return ResponseEntity.status(o.resumed() ? HttpStatus.OK : HttpStatus.CREATED).body(out);
    }

    @GetMapping("/deployments/{id}")
    @Operation(operationId = "getMessengerDeploymentPublic", summary = "What a messenger may know of its deployment",
            description = "Name, pre-chat fields, whether customers are verified and whether the team is within business hours; "
                    + "404 guest.deployment_unknown. With an Origin header, a refused origin is guest.origin_not_allowed.")
    Map<String, Object> deployment(@PathVariable String id, @RequestHeader(name = "Origin", required = false) String origin) {
        MessengerDeployment d = sessions.deployment(id);
        if (origin != null && !d.allows(origin)) throw GuestSessions.originRefused(d, origin);
        return deploymentView(d);
    }

    static Map<String, Object> deploymentView(MessengerDeployment d) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", d.id());
        v.put("name", d.name());
        v.put("prechatFields", d.prechatFields());
        v.put("verifiesCustomers", d.verification() != null);
        v.put("open", d.businessHours() == null || d.businessHours().isOpen(java.time.Instant.now()));
        return v;
    }

    private static Map<String, Object> customerView(CustomerProfile c) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", c.id());
        v.put("name", c.name());
        v.put("email", c.email());
        v.put("verified", c.verified());
        return v;
    }

    static List<String> sorted(java.util.Set<String> s) {
        return s.stream().sorted().toList();
    }
}
