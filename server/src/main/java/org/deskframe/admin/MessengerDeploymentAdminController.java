package org.deskframe.admin;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.guest.BusinessHours;
import org.deskframe.guest.MessengerDeployment;
import org.deskframe.guest.MessengerDeployments;
import org.deskframe.identity.Ids;
import org.deskframe.identity.OAuthClient;
import org.deskframe.identity.Org;
import org.deskframe.tokens.VerifiedToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

@RestController
@RequestMapping(path = "/api/v2/admin/orgs/{orgId}/messenger-deployments", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Admin: messenger deployments", description = "The customer web messenger as an organisation deploys it: "
        + "allowed origins, target queue, greeting, business hours, pre-chat fields, customer verification (docs/messenger.md).")
@SecurityRequirement(name = AdminApiDocs.ADMIN_TOKEN, scopes = "admin")
class MessengerDeploymentAdminController {

    private static final Logger log = LoggerFactory.getLogger(MessengerDeploymentAdminController.class);
    private static final String ORIGIN_RULE = "must be scheme://host[:port] with no path";

    private final MessengerDeployments deployments;
    private final OrgBoundary boundary;

    MessengerDeploymentAdminController(MessengerDeployments deployments, OrgBoundary boundary) {
        this.deployments = deployments;
        this.boundary = boundary;
    }

    @GetMapping
    @Operation(operationId = "listMessengerDeployments", summary = "List the organisation's messenger deployments (never with secrets)")
    List<DeploymentView> list(@Parameter(hidden = true) VerifiedToken caller, @PathVariable String orgId) {
        return deployments.inOrg(boundary.org(caller, orgId).id()).stream().map(DeploymentView::of).toList();
    }

    @PostMapping
    @ApiResponse(responseCode = "201", description = "Created")
    @Operation(operationId = "createMessengerDeployment", summary = "Create a messenger deployment",
            description = "The queue must be a queue of the organisation. verification takes an HS256 secret (at least 32 bytes, "
                    + "stored encrypted, never shown again) or a JWKS URL (RS256/ES256), not both.")
    ResponseEntity<DeploymentView> create(@Parameter(hidden = true) VerifiedToken caller, @PathVariable String orgId,
                                          @Valid @RequestBody DeploymentBody body) {
        Org org = boundary.org(caller, orgId);
        if (body.id() == null || body.id().isBlank()) throw invalid("id is required (" + Ids.RULE + ")");
        MessengerDeployment d = deployments.create(org.id(), definition(body.id(), body, false));
        log.info("Admin {} created messenger deployment {} in organisation {}", caller.clientId(), d.id(), org.id());
        return ResponseEntity.created(ServletUriComponentsBuilder.fromCurrentRequestUri().path("/{id}").buildAndExpand(d.id()).toUri())
                .body(DeploymentView.of(d));
    }

    @GetMapping("/{deploymentId}")
    @Operation(operationId = "getMessengerDeployment", summary = "Get a messenger deployment")
    DeploymentView get(@Parameter(hidden = true) VerifiedToken caller, @PathVariable String orgId, @PathVariable String deploymentId) {
        return DeploymentView.of(deployment(caller, orgId, deploymentId));
    }

    @PutMapping("/{deploymentId}")
    @Operation(operationId = "replaceMessengerDeployment", summary = "Replace a messenger deployment's definition",
            description = "Every field is replaced; verification with a secret-less HS256 entry ({\"keepSecret\": true}) keeps the stored secret.")
    DeploymentView replace(@Parameter(hidden = true) VerifiedToken caller, @PathVariable String orgId, @PathVariable String deploymentId,
                           @Valid @RequestBody DeploymentBody body) {
        MessengerDeployment existing = deployment(caller, orgId, deploymentId);
        if (body.id() != null && !body.id().equals(existing.id())) throw invalid("id cannot change (create a new deployment instead)");
        boolean keep = body.verification() != null && Boolean.TRUE.equals(body.verification().keepSecret());
        MessengerDeployment d = deployments.update(existing.id(), definition(existing.id(), body, keep));
        log.info("Admin {} replaced messenger deployment {} of organisation {}", caller.clientId(), d.id(), d.orgId());
        return DeploymentView.of(d);
    }

    @DeleteMapping("/{deploymentId}")
    @ApiResponse(responseCode = "204", description = "Done")
    @Operation(operationId = "deleteMessengerDeployment", summary = "Delete a messenger deployment",
            description = "Its messengers stop at their next handshake (guest.deployment_unknown); conversations stay.")
    ResponseEntity<Void> delete(@Parameter(hidden = true) VerifiedToken caller, @PathVariable String orgId, @PathVariable String deploymentId) {
        MessengerDeployment d = deployment(caller, orgId, deploymentId);
        deployments.delete(d.id());
        log.info("Admin {} deleted messenger deployment {} of organisation {}", caller.clientId(), d.id(), d.orgId());
        return ResponseEntity.noContent().build();
    }

    private MessengerDeployment deployment(VerifiedToken caller, String orgId, String id) {
        Org org = boundary.org(caller, orgId);
        return OrgBoundary.within(org, deployments.find(id), MessengerDeployment::orgId, "Messenger deployment " + id);
    }

    private static MessengerDeployments.Definition definition(String id, DeploymentBody b, boolean keepSecret) {
        Verification v = b.verification();
        if (v != null && v.secret() == null && v.jwksUrl() == null && !keepSecret) {
            throw invalid("verification needs secret (HS256) or jwksUrl (RS256/ES256); leave verification out for anonymous guests only");
        }
        return new MessengerDeployments.Definition(id, b.name(), b.allowedOrigins(), b.queue(), b.greeting(), hours(b.businessHours()),
                b.offlineMessage(), b.prechatFields(), v == null ? null : v.secret(), v == null ? null : v.jwksUrl(), keepSecret,
                b.attachments() == null ? null : new MessengerDeployment.Attachments(b.attachments().maxBytes(), b.attachments().allowedTypes()));
    }

    private static BusinessHours hours(Hours h) {
        if (h == null) return null;
        ZoneId zone;
        try {
            zone = ZoneId.of(h.timeZone());
        } catch (DateTimeException | NullPointerException e) {
            throw invalid("businessHours.timeZone '" + h.timeZone() + "' is not a time zone id (such as Europe/Berlin or UTC)");
        }
        List<BusinessHours.Period> periods = new ArrayList<>();
        for (Period p : h.periods() == null ? List.<Period>of() : h.periods()) {
            DayOfWeek day;
            try {
                day = DayOfWeek.valueOf(String.valueOf(p.day()).toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw invalid("businessHours.periods day '" + p.day() + "' is not a day of the week (MONDAY ... SUNDAY)");
            }
            try {
                periods.add(new BusinessHours.Period(day, LocalTime.parse(p.opens()), LocalTime.parse(p.closes())));
            } catch (DateTimeException | NullPointerException e) {
                throw invalid("businessHours.periods opens/closes must be times HH:MM (got '" + p.opens() + "'-'" + p.closes() + "')");
            }
        }
        return new BusinessHours(zone, periods);
    }

    private static ProblemException invalid(String reason) {
        return ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason", reason));
    }

    record DeploymentBody(@Pattern(regexp = Ids.PATTERN, message = Ids.RULE) String id,
                          @NotBlank @Size(max = 200) String name,
                          @NotEmpty @Size(max = 50) List<@Pattern(regexp = OAuthClient.EMBED_ORIGIN_PATTERN, message = ORIGIN_RULE) String> allowedOrigins,
                          @NotBlank @Schema(description = "id of a queue of the organisation") String queue,
                          @Size(max = 2000) String greeting,
                          Hours businessHours,
                          @Size(max = 2000) String offlineMessage,
                          @Schema(description = "which of name, email the messenger asks first") List<String> prechatFields,
                          Verification verification,
                          @Schema(description = "limits of customers' uploads; left out: the platform's") Attachments attachments) {}

    record Attachments(@Schema(description = "largest file in bytes (at most 104857600); null: the platform's", example = "5242880") Long maxBytes,
                       @Schema(description = "content types accepted, as sniffed from the bytes; type/* for a family; null: the platform's",
                               example = "[\"image/*\", \"application/pdf\"]") List<String> allowedTypes) {}

    record Hours(@Schema(example = "Europe/Berlin") String timeZone, List<Period> periods) {}

    record Period(@Schema(example = "MONDAY") String day, @Schema(example = "09:00") String opens, @Schema(example = "17:00") String closes) {}

    record Verification(@Schema(description = "HS256 secret, at least 32 bytes; write-only") String secret,
                        @Schema(description = "JWKS URL for RS256/ES256 customer tokens") String jwksUrl,
                        @Schema(description = "on replace: keep the stored HS256 secret") Boolean keepSecret) {}

    record DeploymentView(String id, String orgId, String name, List<String> allowedOrigins, String queue, String greeting,
                          Hours businessHours, String offlineMessage, List<String> prechatFields, VerificationView verification,
                          String createdAt, String updatedAt, Attachments attachments) {
        static DeploymentView of(MessengerDeployment d) {
            Hours h = d.businessHours() == null ? null : new Hours(d.businessHours().timeZone().getId(), d.businessHours().periods().stream()
                    .map(p -> new Period(p.day().name(), p.opens().toString(), p.closes().toString())).toList());
            VerificationView v = d.verification() == null ? null : new VerificationView(d.verification().kind(), d.verification().jwksUrl());
            return new DeploymentView(d.id(), d.orgId(), d.name(), d.allowedOrigins().stream().sorted().toList(), d.queueId(), d.greeting(),
                    h, d.offlineMessage(), d.prechatFields(), v, d.createdAt().toString(), d.updatedAt().toString(),
                    new Attachments(d.attachments().maxBytes(), d.attachments().allowedTypes()));
        }
    }

    record VerificationView(String kind, String jwksUrl) {}
}
