package org.deskframe.admin;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.deskframe.identity.Ids;
import org.deskframe.identity.Org;
import org.deskframe.identity.OrgDirectory;
import org.deskframe.tokens.VerifiedToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

@RestController
@RequestMapping(path = "/api/v2/admin/orgs", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Admin: organisations", description = "Tenants of this deployment. Creating one is for the deployment admin only.")
@SecurityRequirement(name = AdminApiDocs.ADMIN_TOKEN, scopes = "admin")
class OrgAdminController {

    private static final Logger log = LoggerFactory.getLogger(OrgAdminController.class);

    private final OrgDirectory orgs;
    private final OrgBoundary boundary;

    OrgAdminController(OrgDirectory orgs, OrgBoundary boundary) {
        this.orgs = orgs;
        this.boundary = boundary;
    }

    @GetMapping
    @Operation(operationId = "listOrgs", summary = "List organisations: every one for the deployment admin, its own for an org admin")
    List<OrgView> list(@Parameter(hidden = true) VerifiedToken caller) {
        return boundary.visibleOrgs(caller).stream().map(OrgView::of).toList();
    }

    @PostMapping
    @ApiResponse(responseCode = "201", description = "Created")
    @Operation(operationId = "createOrg", summary = "Create an organisation in this deployment's region (deployment admin only)")
    ResponseEntity<OrgView> create(@Parameter(hidden = true) VerifiedToken caller, @Valid @RequestBody NewOrg body) {
        boundary.requireDeploymentAdmin(caller, "create organisations");
        Org org = orgs.create(body.id(), body.name().strip());
        log.info("Admin {} created organisation {}", caller.clientId(), org.id());
        return ResponseEntity.created(ServletUriComponentsBuilder.fromCurrentRequestUri().path("/{id}").buildAndExpand(org.id()).toUri())
                .body(OrgView.of(org));
    }

    @GetMapping("/{orgId}")
    @Operation(operationId = "getOrg", summary = "Get an organisation")
    OrgView get(@Parameter(hidden = true) VerifiedToken caller, @PathVariable String orgId) {
        return OrgView.of(boundary.org(caller, orgId));
    }

    @PatchMapping("/{orgId}")
    @Operation(operationId = "updateOrg", summary = "Rename an organisation")
    OrgView update(@Parameter(hidden = true) VerifiedToken caller, @PathVariable String orgId, @Valid @RequestBody OrgChange body) {
        Org org = boundary.org(caller, orgId);
        Org renamed = orgs.rename(org.id(), body.name().strip());
        log.info("Admin {} renamed organisation {}", caller.clientId(), org.id());
        return OrgView.of(renamed);
    }

    record OrgView(String id, String name, String region) {
        static OrgView of(Org org) {
            return new OrgView(org.id(), org.name(), org.region());
        }
    }

    record NewOrg(@NotBlank @Pattern(regexp = Ids.PATTERN, message = Ids.RULE) String id,
                  @NotBlank @Size(max = 200) String name) {}

    record OrgChange(@NotBlank @Size(max = 200) String name) {}
}
