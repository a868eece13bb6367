package org.deskframe.routing.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import java.time.Instant;
import java.util.List;
import org.deskframe.identity.Scope;
import org.deskframe.protocol.QueueView;
import org.deskframe.storage.SharedClock;
import org.deskframe.tokens.VerifiedToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The supervisor's snapshot of the token's org's queues (scope {@code supervisor:read}); the same shape as {@code queues}. */
@RestController
@RequestMapping("/api/v2/supervisor")
class SupervisorController {

    private final SupervisorView view;
    private final SharedClock clock;

    SupervisorController(SupervisorView view, SharedClock clock) {
        this.view = view;
        this.clock = clock;
    }

    /** {@code at} and {@code queues}, as the {@code queues} frame carries them (docs/routing.md, "Supervisor view"). */
    record Snapshot(Instant at, List<QueueView> queues) {}

    @GetMapping("/queues")
    @Operation(summary = "The org's queues now: waiting, longest wait, offered, assigned, agents by presence with load and capacity")
    Snapshot queues(@Parameter(hidden = true) VerifiedToken token) {
        token.requireScopes(List.of(Scope.SUPERVISOR_READ.value()), "the supervisor queues API");
        Instant now = clock.instant();
        return new Snapshot(now, view.queues(token.orgId(), now));
    }
}
