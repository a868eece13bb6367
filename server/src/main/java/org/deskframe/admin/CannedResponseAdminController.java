package org.deskframe.admin;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import org.deskframe.identity.Org;
import org.deskframe.messaging.CannedResponses;
import org.deskframe.messaging.CannedResponses.CannedResponse;
import org.deskframe.tokens.VerifiedToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

@RestController
@RequestMapping(path = "/api/v2/admin/orgs/{orgId}/canned-responses", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Admin: canned responses", description = "Ready-made texts the organisation's agents insert into the composer.")
@SecurityRequirement(name = AdminApiDocs.ADMIN_TOKEN, scopes = "admin")
class CannedResponseAdminController {

    private static final Logger log = LoggerFactory.getLogger(CannedResponseAdminController.class);

    private final CannedResponses responses;
    private final OrgBoundary boundary;

    CannedResponseAdminController(CannedResponses responses, OrgBoundary boundary) {
        this.responses = responses;
        this.boundary = boundary;
    }

    @GetMapping
    @Operation(operationId = "listCannedResponses", summary = "List the organisation's canned responses, by title")
    List<CannedResponseView> list(@Parameter(hidden = true) VerifiedToken caller, @PathVariable String orgId) {
        return responses.inOrg(boundary.org(caller, orgId).id()).stream().map(CannedResponseView::of).toList();
    }

    @PostMapping
    @ApiResponse(responseCode = "201", description = "Created")
    @ApiResponse(responseCode = "409", description = "canned.title_taken")
    @Operation(operationId = "createCannedResponse", summary = "Create a canned response")
    ResponseEntity<CannedResponseView> create(@Parameter(hidden = true) VerifiedToken caller, @PathVariable String orgId,
                                              @Valid @RequestBody NewCannedResponse body) {
        Org org = boundary.org(caller, orgId);
        CannedResponse created = responses.create(org.id(), body.title().strip(), body.text());
        log.info("Admin {} created canned response {} in organisation {}", caller.clientId(), created.id(), org.id());
        return ResponseEntity.created(ServletUriComponentsBuilder.fromCurrentRequestUri().path("/{id}").buildAndExpand(created.id()).toUri())
                .body(CannedResponseView.of(created));
    }

    @GetMapping("/{responseId}")
    @Operation(operationId = "getCannedResponse", summary = "Get a canned response")
    CannedResponseView get(@Parameter(hidden = true) VerifiedToken caller, @PathVariable String orgId, @PathVariable String responseId) {
        return CannedResponseView.of(response(caller, orgId, responseId));
    }

    @PatchMapping("/{responseId}")
    @ApiResponse(responseCode = "409", description = "canned.title_taken")
    @Operation(operationId = "updateCannedResponse", summary = "Change a canned response's title or text (fields left out are unchanged)")
    CannedResponseView update(@Parameter(hidden = true) VerifiedToken caller, @PathVariable String orgId,
                              @PathVariable String responseId, @Valid @RequestBody CannedResponseChange body) {
        CannedResponse current = response(caller, orgId, responseId);
        CannedResponse changed = responses.update(current.id(), body.title() == null ? null : body.title().strip(), body.text());
        log.info("Admin {} changed canned response {} of organisation {}", caller.clientId(), changed.id(), changed.orgId());
        return CannedResponseView.of(changed);
    }

    @DeleteMapping("/{responseId}")
    @ApiResponse(responseCode = "204", description = "Done")
    @Operation(operationId = "deleteCannedResponse", summary = "Delete a canned response")
    ResponseEntity<Void> delete(@Parameter(hidden = true) VerifiedToken caller, @PathVariable String orgId,
                                @PathVariable String responseId) {
        CannedResponse current = response(caller, orgId, responseId);
        responses.delete(current.id());
        log.info("Admin {} deleted canned response {} of organisation {}", caller.clientId(), current.id(), current.orgId());
        return ResponseEntity.noContent().build();
    }

    private CannedResponse response(VerifiedToken caller, String orgId, String responseId) {
        Org org = boundary.org(caller, orgId);
        return OrgBoundary.within(org, responses.find(responseId), CannedResponse::orgId, "Canned response " + responseId);
    }

    record CannedResponseView(String id, String orgId, String title, String text, Instant createdAt, Instant updatedAt) {
        static CannedResponseView of(CannedResponse r) {
            return new CannedResponseView(r.id(), r.orgId(), r.title(), r.text(), r.createdAt(), r.updatedAt());
        }
    }

    record NewCannedResponse(@NotBlank @Size(max = 200) String title, @NotBlank @Size(max = 16_000) String text) {}

    record CannedResponseChange(@Size(min = 1, max = 200) String title, @Size(min = 1, max = 16_000) String text) {}
}
