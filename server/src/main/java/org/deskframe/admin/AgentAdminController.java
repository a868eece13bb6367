package org.deskframe.admin;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.identity.Agent;
import org.deskframe.identity.AgentDirectory;
import org.deskframe.identity.AgentDirectory.AgentChange;
import org.deskframe.identity.AgentDirectory.NewAgent;
import org.deskframe.identity.Ids;
import org.deskframe.identity.Org;
import org.deskframe.tokens.VerifiedToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** Agents of an organisation. Passwords go in, never out: no response carries a password or its hash. */
@RestController
@RequestMapping(path = "/api/v2/admin/orgs/{orgId}/agents", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Admin: agents", description = "People who answer conversations and calls, within one organisation.")
@SecurityRequirement(name = AdminApiDocs.ADMIN_TOKEN, scopes = "admin")
class AgentAdminController {

    private static final Logger log = LoggerFactory.getLogger(AgentAdminController.class);
    private static final String ROLE = "[A-Za-z0-9._:-]{1,64}";
    private static final String ROLE_RULE = "must be 1-64 letters, digits, '.', '_', ':' or '-'";
    /** bcrypt ignores everything after 72 bytes, and Spring's encoder refuses longer input. */
    private static final int MAX_PASSWORD_BYTES = 72;

    private final AgentDirectory agents;
    private final OrgBoundary boundary;

    AgentAdminController(AgentDirectory agents, OrgBoundary boundary) {
        this.agents = agents;
        this.boundary = boundary;
    }

    @GetMapping
    @Operation(operationId = "listAgents", summary = "List the organisation's agents")
    List<AgentView> list(@Parameter(hidden = true) VerifiedToken caller, @PathVariable String orgId) {
        return agents.inOrg(boundary.org(caller, orgId).id()).stream().map(AgentView::of).toList();
    }

    @PostMapping
    @ApiResponse(responseCode = "201", description = "Created")
    @Operation(operationId = "createAgent", summary = "Create an agent; without a password it can only get tokens through a trusted backend (jwt-bearer)")
    ResponseEntity<AgentView> create(@Parameter(hidden = true) VerifiedToken caller, @PathVariable String orgId,
                                     @Valid @RequestBody NewAgentRequest body) {
        Org org = boundary.org(caller, orgId);
        String id = body.id() != null ? body.id() : body.username();
        if (!id.matches(Ids.PATTERN)) {
            throw invalid("'id' is required when the username is not usable as an id; an id " + Ids.RULE);
        }
        requireHashable(body.password());
        Agent agent = agents.create(new NewAgent(id, org.id(), body.username(), body.email(), body.displayName(),
                body.password(), body.roles() == null ? Set.of() : body.roles(), body.enabled() == null || body.enabled()));
        log.info("Admin {} created agent {} in organisation {}", caller.clientId(), agent.id(), org.id());
        return ResponseEntity.created(ServletUriComponentsBuilder.fromCurrentRequestUri().path("/{id}").buildAndExpand(agent.id()).toUri())
                .body(AgentView.of(agent));
    }

    @GetMapping("/{agentId}")
    @Operation(operationId = "getAgent", summary = "Get an agent")
    AgentView get(@Parameter(hidden = true) VerifiedToken caller, @PathVariable String orgId, @PathVariable String agentId) {
        return AgentView.of(agent(caller, orgId, agentId));
    }

    @PatchMapping("/{agentId}")
    @Operation(operationId = "updateAgent", summary = "Change an agent's display name, email, roles or enabled flag (absent fields stay as they are)",
            description = "Disabling an agent takes effect at once: its existing tokens are refused with agent.disabled.")
    AgentView update(@Parameter(hidden = true) VerifiedToken caller, @PathVariable String orgId, @PathVariable String agentId,
                     @Valid @RequestBody AgentPatch body) {
        Agent agent = agent(caller, orgId, agentId);
        Agent updated = agents.update(agent.id(), new AgentChange(body.email(), body.displayName(), body.roles(), body.enabled()));
        log.info("Admin {} updated agent {} in organisation {}", caller.clientId(), agent.id(), agent.orgId());
        return AgentView.of(updated);
    }

    @PutMapping("/{agentId}/password")
    @ApiResponse(responseCode = "204", description = "Done")
    @Operation(operationId = "setAgentPassword", summary = "Set an agent's sign-in password")
    ResponseEntity<Void> setPassword(@Parameter(hidden = true) VerifiedToken caller, @PathVariable String orgId,
                                     @PathVariable String agentId, @Valid @RequestBody NewPassword body) {
        Agent agent = agent(caller, orgId, agentId);
        requireHashable(body.password());
        agents.setPassword(agent.id(), body.password());
        log.info("Admin {} set the password of agent {} in organisation {}", caller.clientId(), agent.id(), agent.orgId());
        return ResponseEntity.noContent().build();
    }

    private Agent agent(VerifiedToken caller, String orgId, String agentId) {
        Org org = boundary.org(caller, orgId);
        return OrgBoundary.within(org, agents.find(agentId), Agent::orgId, "Agent " + agentId);
    }

    private static void requireHashable(String password) {
        if (password != null && password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            throw invalid("'password' must be at most " + MAX_PASSWORD_BYTES + " bytes in UTF-8");
        }
    }

    private static ProblemException invalid(String reason) {
        return ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason", reason));
    }

    record AgentView(String id, String orgId, String username, String email, String displayName, List<String> roles,
                     boolean enabled) {
        static AgentView of(Agent a) {
            return new AgentView(a.id(), a.orgId(), a.username(), a.email(), a.displayName(), a.roles().stream().sorted().toList(),
                    a.enabled());
        }
    }

    record NewAgentRequest(
            @Schema(description = "Defaults to the username") @Pattern(regexp = Ids.PATTERN, message = Ids.RULE) String id,
            @Schema(description = "Sign-in name and the 'sub' of jwt-bearer assertions; unique in the deployment")
            @NotBlank @Size(max = 200) @Pattern(regexp = "\\S+", message = "must not contain spaces") String username,
            @Email @Size(max = 320) String email,
            @Size(max = 200) String displayName,
            @Schema(description = "Optional; 8 characters to 72 bytes") @Size(min = 8, max = 72) String password,
            @Schema(description = "Defaults to [\"agent\"]") Set<@Pattern(regexp = ROLE, message = ROLE_RULE) String> roles,
            @Schema(description = "Defaults to true") Boolean enabled) {}

    record AgentPatch(@Size(max = 200) @Pattern(regexp = "(?s).*\\S.*", message = "must not be blank") String displayName,
                      @Email @Size(max = 320) String email,
                      @Size(min = 1, message = "must not be empty") Set<@Pattern(regexp = ROLE, message = ROLE_RULE) String> roles,
                      Boolean enabled) {}

    record NewPassword(@NotBlank @Size(min = 8, max = 72) String password) {}
}
