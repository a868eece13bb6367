package org.deskframe.admin;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Map;
import org.deskframe.calls.CallRecord;
import org.deskframe.calls.CallRecords;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.identity.Org;
import org.deskframe.tokens.VerifiedToken;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** An organisation's call records, newest first (docs/calls.md#admin-api). */
@RestController
@RequestMapping(path = "/api/v2/admin/orgs/{orgId}/calls", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Admin: calls", description = "Voice and video calls of an organisation: state, who ended them and why, media quality.")
@SecurityRequirement(name = AdminApiDocs.ADMIN_TOKEN, scopes = "admin")
class CallAdminController {

    private final CallRecords calls;
    private final OrgBoundary boundary;

    CallAdminController(CallRecords calls, OrgBoundary boundary) {
        this.calls = calls;
        this.boundary = boundary;
    }

    record CallPage(List<CallRecord> calls, Integer next) {}

    @GetMapping
    @Operation(operationId = "listCalls", summary = "The organisation's calls, newest first (limit 1..200, default 50)")
    CallPage list(@Parameter(hidden = true) VerifiedToken caller, @PathVariable String orgId,
                  @RequestParam(defaultValue = "50") int limit, @RequestParam(defaultValue = "0") int offset) {
        Org org = boundary.org(caller, orgId);
        if (limit < 1 || limit > 200 || offset < 0) {
            throw ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason", "limit is 1..200 and offset at least 0"));
        }
        List<CallRecord> page = calls.ofOrg(org.id(), limit + 1, offset);
        return page.size() > limit ? new CallPage(page.subList(0, limit), offset + limit) : new CallPage(page, null);
    }

    @GetMapping("/{callId}")
    @Operation(operationId = "getCall", summary = "One call's record, with its transitions and media quality")
    CallRecord get(@Parameter(hidden = true) VerifiedToken caller, @PathVariable String orgId, @PathVariable String callId) {
        Org org = boundary.org(caller, orgId);
        return calls.find(org.id(), callId).orElseThrow(() -> OrgBoundary.notFound("Call " + callId));
    }
}
