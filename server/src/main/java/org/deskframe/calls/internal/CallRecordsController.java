package org.deskframe.calls.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deskframe.calls.CallRecord;
import org.deskframe.calls.CallRecords;
import org.deskframe.calls.internal.CallRow.Party;
import org.deskframe.calls.internal.CallRow.Side;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.identity.Scope;
import org.deskframe.protocol.CallPartyView;
import org.deskframe.protocol.CallView;
import org.deskframe.protocol.ParticipantView;
import org.deskframe.tokens.VerifiedToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * A call's record for its participants ({@code GET /api/v2/calls/{callId}}: an agent's token with scope voice or video,
 * or the customer's guest token), and {@link CallRecords} for the admin API. Anyone else is answered as for a call that
 * does not exist, so call ids cannot be probed.
 */
@RestController
class CallRecordsController implements CallRecords {

    private final CallLedger ledger;
    private final CallNotices notices;

    CallRecordsController(CallLedger ledger, CallNotices notices) {
        this.ledger = ledger;
        this.notices = notices;
    }

    @GetMapping("/api/v2/calls/{callId}")
    @Operation(summary = "A call's record, for its participants (docs/calls.md#call-record)")
    CallRecord call(@Parameter(hidden = true) VerifiedToken token, @PathVariable String callId) {
        Party me;
        if (token.isGuestToken()) {
            me = new Party("customer", token.guest().customerId());
        } else {
            if (!token.scopes().contains(Scope.VOICE.value()) && !token.scopes().contains(Scope.VIDEO.value())) {
                token.requireScopes(List.of(Scope.VOICE.value()), "call records (voice or video calls)");
            }
            if (token.agentId() == null) throw notFound(callId);
            me = new Party("agent", token.agentId());
        }
        return ledger.find(callId).filter(c -> c.orgId().equals(token.orgId()) && c.sideOf(me) != null)
                .map(this::record).orElseThrow(() -> notFound(callId));
    }

    @Override
    public Optional<CallRecord> find(String orgId, String callId) {
        return ledger.find(callId).filter(c -> c.orgId().equals(orgId)).map(this::record);
    }

    @Override
    public List<CallRecord> ofOrg(String orgId, int limit, int offset) {
        return ledger.ofOrg(orgId, limit, offset).stream().map(this::record).toList();
    }

    private CallRecord record(CallRow c) {
        CallView v = notices.view(c);
        List<CallRecord.Party> parties = new ArrayList<>();
        for (Side side : Side.values()) {
            CallPartyView p = side == Side.CALLER ? v.caller() : v.callee();
            if (p != null) parties.add(new CallRecord.Party(side.label(), p.kind(), p.id(), p.displayName()));
        }
        List<CallRecord.Event> events = ledger.events(c.id()).stream().map(e -> new CallRecord.Event(e.seq(), e.state(), e.at(),
                e.by() == null ? null : new ParticipantView(e.by().kind(), e.by().id()), e.reason())).toList();
        return new CallRecord(c.id(), c.orgId(), c.media(), c.state(), c.createdAt(), c.answeredAt(), c.endedAt(),
                v.durationSeconds(), c.endReason(), c.endCode(), v.endedBy(), parties, c.conversationId(), c.queueId(),
                v.quality() == null ? List.of() : v.quality(), events);
    }

    private static ProblemException notFound(String callId) {
        return ProblemException.of(ErrorCode.NOT_FOUND, Map.of("resource", "Call " + callId));
    }
}
