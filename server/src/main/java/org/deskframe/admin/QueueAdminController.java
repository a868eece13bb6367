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
import org.deskframe.identity.Queue;
import org.deskframe.identity.QueueDirectory;
import org.deskframe.tokens.VerifiedToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

@RestController
@RequestMapping(path = "/api/v2/admin/orgs/{orgId}/queues", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Admin: queues", description = "Routing queues of an organisation.")
@SecurityRequirement(name = AdminApiDocs.ADMIN_TOKEN, scopes = "admin")
class QueueAdminController {

    private static final Logger log = LoggerFactory.getLogger(QueueAdminController.class);

    private final QueueDirectory queues;
    private final OrgBoundary boundary;

    QueueAdminController(QueueDirectory queues, OrgBoundary boundary) {
        this.queues = queues;
        this.boundary = boundary;
    }

    @GetMapping
    @Operation(operationId = "listQueues", summary = "List the organisation's queues")
    List<QueueView> list(@Parameter(hidden = true) VerifiedToken caller, @PathVariable String orgId) {
        return queues.inOrg(boundary.org(caller, orgId).id()).stream().map(QueueView::of).toList();
    }

    @PostMapping
    @ApiResponse(responseCode = "201", description = "Created")
    @Operation(operationId = "createQueue", summary = "Create a queue")
    ResponseEntity<QueueView> create(@Parameter(hidden = true) VerifiedToken caller, @PathVariable String orgId,
                                     @Valid @RequestBody NewQueue body) {
        Org org = boundary.org(caller, orgId);
        Queue queue = queues.create(body.id(), org.id(), body.name().strip());
        log.info("Admin {} created queue {} in organisation {}", caller.clientId(), queue.id(), org.id());
        return ResponseEntity.created(ServletUriComponentsBuilder.fromCurrentRequestUri().path("/{id}").buildAndExpand(queue.id()).toUri())
                .body(QueueView.of(queue));
    }

    @GetMapping("/{queueId}")
    @Operation(operationId = "getQueue", summary = "Get a queue")
    QueueView get(@Parameter(hidden = true) VerifiedToken caller, @PathVariable String orgId, @PathVariable String queueId) {
        return QueueView.of(queue(caller, orgId, queueId));
    }

    @DeleteMapping("/{queueId}")
    @ApiResponse(responseCode = "204", description = "Done")
    @Operation(operationId = "deleteQueue", summary = "Delete a queue")
    ResponseEntity<Void> delete(@Parameter(hidden = true) VerifiedToken caller, @PathVariable String orgId,
                                @PathVariable String queueId) {
        Queue queue = queue(caller, orgId, queueId);
        queues.delete(queue.id());
        log.info("Admin {} deleted queue {} of organisation {}", caller.clientId(), queue.id(), queue.orgId());
        return ResponseEntity.noContent().build();
    }

    private Queue queue(VerifiedToken caller, String orgId, String queueId) {
        Org org = boundary.org(caller, orgId);
        return OrgBoundary.within(org, queues.find(queueId), Queue::orgId, "Queue " + queueId);
    }

    record QueueView(String id, String orgId, String name) {
        static QueueView of(Queue q) {
            return new QueueView(q.id(), q.orgId(), q.name());
        }
    }

    record NewQueue(@NotBlank @Pattern(regexp = Ids.PATTERN, message = Ids.RULE) String id,
                    @NotBlank @Size(max = 200) String name) {}
}
