package org.deskframe.messaging.internal;

import java.util.List;
import java.util.Map;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.identity.Scope;
import org.deskframe.messaging.Participant;
import org.deskframe.tokens.VerifiedToken;

/** Who acts on conversations, from either door (a gateway session or an HTTP request): org, participant, token. */
record Member(String orgId, Participant participant, VerifiedToken token) {

    /** An HTTP caller: its token must be an agent's, or a customer's guest token. */
    static Member of(VerifiedToken token) {
        if (token.isGuestToken()) {
            return new Member(token.orgId(), new Participant(Participant.Kind.CUSTOMER, token.guest().customerId()), token);
        }
        if (token.agentId() == null) {
            throw ProblemException.of(ErrorCode.TOKEN_NOT_AGENT, Map.of("client", token.clientId()));
        }
        return new Member(token.orgId(), Participant.agent(token.agentId()), token);
    }

    /** A customer's guest token stands for both messaging scopes, within the customer's own conversations. */
    void require(Scope scope, String what) {
        token.requireScopes(List.of(isCustomer() ? Scope.GUEST.value() : scope.value()), what);
    }

    boolean isCustomer() {
        return participant.kind() == Participant.Kind.CUSTOMER;
    }
}
