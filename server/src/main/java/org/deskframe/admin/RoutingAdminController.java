package org.deskframe.admin;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Set;
import org.deskframe.identity.Org;
import org.deskframe.routing.QueueRouting;
import org.deskframe.tokens.VerifiedToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Routing's configuration: a queue's settings and members, an agent's capacity and skills (docs/routing.md). */
@RestController
@RequestMapping(path = "/api/v2/admin/orgs/{orgId}", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Admin: routing", description = "How queues route conversations to their member agents.")
@SecurityRequirement(name = AdminApiDocs.ADMIN_TOKEN, scopes = "admin")
class RoutingAdminController {

    private static final Logger log = LoggerFactory.getLogger(RoutingAdminController.class);

    private final QueueRouting routing;
    private final OrgBoundary boundary;

    RoutingAdminController(QueueRouting routing, OrgBoundary boundary) {
        this.routing = routing;
        this.boundary = boundary;
    }

    @GetMapping("/queues/{queueId}/routing")
    @Operation(operationId = "getQueueRouting", summary = "A queue's routing settings and wrap-up codes")
    QueueRouting.QueueConfig get(@Parameter(hidden = true) VerifiedToken caller, @PathVariable String orgId, @PathVariable String queueId) {
        return routing.config(org(caller, orgId).id(), queueId);
    }

    @PutMapping("/queues/{queueId}/routing")
    @Operation(operationId = "updateQueueRouting", summary = "Change a queue's routing settings (absent fields stay; wrapUpCodes replaces the list)")
    QueueRouting.QueueConfig update(@Parameter(hidden = true) VerifiedToken caller, @PathVariable String orgId,
                                    @PathVariable String queueId, @RequestBody QueueRouting.QueueConfig.Update body) {
        QueueRouting.QueueConfig config = routing.configure(org(caller, orgId).id(), queueId, body);
        log.info("Admin {} changed the routing of queue {} in organisation {}", caller.clientId(), queueId, orgId);
        return config;
    }

    @GetMapping("/queues/{queueId}/members")
    @Operation(operationId = "listQueueMembers", summary = "The agents a queue routes to, with presence, capacity and load")
    List<QueueRouting.QueueMember> members(@Parameter(hidden = true) VerifiedToken caller, @PathVariable String orgId, @PathVariable String queueId) {
        return routing.members(org(caller, orgId).id(), queueId);
    }

    @PutMapping("/queues/{queueId}/members/{agentId}")
    @Operation(operationId = "addQueueMember", summary = "Make an agent a member of the queue (waiting work is routed at once)")
    QueueRouting.QueueMember addMember(@Parameter(hidden = true) VerifiedToken caller, @PathVariable String orgId,
                                       @PathVariable String queueId, @PathVariable String agentId) {
        QueueRouting.QueueMember member = routing.addMember(org(caller, orgId).id(), queueId, agentId);
        log.info("Admin {} added agent {} to queue {} of organisation {}", caller.clientId(), agentId, queueId, orgId);
        return member;
    }

    @DeleteMapping("/queues/{queueId}/members/{agentId}")
    @ApiResponse(responseCode = "204", description = "Done")
    @Operation(operationId = "removeQueueMember", summary = "Remove an agent from the queue (its current conversations stay its own)")
    ResponseEntity<Void> removeMember(@Parameter(hidden = true) VerifiedToken caller, @PathVariable String orgId,
                                      @PathVariable String queueId, @PathVariable String agentId) {
        routing.removeMember(org(caller, orgId).id(), queueId, agentId);
        log.info("Admin {} removed agent {} from queue {} of organisation {}", caller.clientId(), agentId, queueId, orgId);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/agents/{agentId}/routing")
    @Operation(operationId = "getAgentRouting", summary = "An agent's presence, chat capacity, load and skills")
    QueueRouting.AgentRouting agent(@Parameter(hidden = true) VerifiedToken caller, @PathVariable String orgId, @PathVariable String agentId) {
        return routing.agent(org(caller, orgId).id(), agentId);
    }

    @PutMapping("/agents/{agentId}/routing")
    @Operation(operationId = "updateAgentRouting", summary = "Set an agent's chat capacity (default 3) and skills (absent fields stay)")
    QueueRouting.AgentRouting updateAgent(@Parameter(hidden = true) VerifiedToken caller, @PathVariable String orgId,
                                          @PathVariable String agentId, @RequestBody AgentRoutingUpdate body) {
        QueueRouting.AgentRouting a = routing.configureAgent(org(caller, orgId).id(), agentId, body.capacity(), body.skills());
        log.info("Admin {} changed the routing of agent {} in organisation {}", caller.clientId(), agentId, orgId);
        return a;
    }

    record AgentRoutingUpdate(Integer capacity, Set<String> skills) {}

    private Org org(VerifiedToken caller, String orgId) {
        return boundary.org(caller, orgId);
    }
}
