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

    /** An HTTP caller: its token must be an agent's. */
    static Member of(VerifiedToken token) {
        if (token.agentId() == null) {
            throw ProblemException.of(ErrorCode.TOKEN_NOT_AGENT, Map.of("client", token.clientId()));
        }
        return new Member(token.orgId(), Participant.agent(token.agentId()), token);
    }

    void require(Scope scope, String what) {
        token.requireScopes(List.of(scope.value()), what);
    }
}
