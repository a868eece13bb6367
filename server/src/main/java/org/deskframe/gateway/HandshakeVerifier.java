package org.deskframe.gateway;

import java.util.List;
import java.util.Map;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.Problem;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.identity.Agent;
import org.deskframe.identity.AgentDirectory;
import org.deskframe.identity.Widget;
import org.deskframe.tokens.AccessTokenVerifier;
import org.deskframe.tokens.VerifiedToken;
import org.deskframe.tokens.WidgetAccess;
import org.springframework.stereotype.Component;

/**
 * The checks a widget's authenticate (and refresh) frame goes through: exactly those of {@code GET /api/v2/authorize}
 * — the token itself, then what it may open — so the dry run and the real handshake can never disagree. The client
 * and agent the token check read are kept in the outcome: the handshake reads neither again.
 */
@Component
class HandshakeVerifier {

    private final AccessTokenVerifier tokens;
    private final WidgetAccess access;
    private final AgentDirectory agents;

    private final org.springframework.beans.factory.ObjectProvider<CustomerAdmission> customers;

    HandshakeVerifier(AccessTokenVerifier tokens, WidgetAccess access, AgentDirectory agents,
                      org.springframework.beans.factory.ObjectProvider<CustomerAdmission> customers) {
        this.tokens = tokens;
        this.access = access;
        this.agents = agents;
        this.customers = customers;
    }

    /** Either a verified token (with its agent) for the widget, or every problem found (the first one decides the close code). */
    record Outcome(VerifiedToken token, Agent agent, Widget widget, List<Problem> problems) {
        boolean ok() {
            return problems.isEmpty();
        }
    }

    /** An authenticate frame's checks; the widget as it names it (an unknown name is a bad frame listing the known ones). */
    Outcome check(String token, String widgetId, String expectedOrg, String embedOrigin) {
        return Widget.of(widgetId).map(w -> check(token, w, expectedOrg, embedOrigin))
                .orElseGet(() -> new Outcome(null, null, null, List.of(Problem.of(ErrorCode.PROTOCOL_BAD_FRAME, Map.of("reason",
                        "unknown widget '" + widgetId + "'; known widgets: " + Widget.known())))));
    }

    Outcome check(String token, Widget widget, String expectedOrg, String embedOrigin) {
        AccessTokenVerifier.Checked checked;
        try {
            checked = tokens.check(token);
        } catch (ProblemException e) {
            return new Outcome(null, null, widget, List.of(e.problem()));
        }
        VerifiedToken verified = checked.token();
        if (widget == Widget.MESSENGER || verified.isGuestToken()) {
            return new Outcome(verified, null, widget, customerProblems(verified, widget, embedOrigin));
        }
        return new Outcome(verified, checked.agent(), widget, access.problems(checked, widget, expectedOrg, embedOrigin));
    }

    /** The messenger takes guest tokens only, and guest tokens open the messenger only. */
    private List<Problem> customerProblems(VerifiedToken token, Widget widget, String embedOrigin) {
        if (widget != Widget.MESSENGER) {
            return List.of(Problem.of(ErrorCode.TOKEN_NOT_AGENT, Map.of("client", token.clientId())));
        }
        if (!token.isGuestToken()) {
            return List.of(Problem.of(ErrorCode.GUEST_TOKEN_REQUIRED, Map.of("client", String.valueOf(token.clientId()))));
        }
        CustomerAdmission admission = customers.getIfAvailable();
        return admission == null ? List.of(Problem.of(ErrorCode.GUEST_TOKEN_REQUIRED, Map.of("client", token.clientId())))
                : admission.problems(token, embedOrigin);
    }

    /**
     * What a live session would now be refused for, after its OAuth client or agent changed: the first problem the
     * handshake would name today (client disabled or unknown, {@code embed} or the embedding origin taken away, agent
     * disabled), or null while it still stands. The token's own checks (signature, expiry) passed at the handshake.
     */
    Problem recheck(VerifiedToken token, Widget widget, String embedOrigin) {
        Problem agent = agentProblem(token);
        if (agent != null) return agent;
        List<Problem> problems = access.problems(token, widget, null, embedOrigin);
        return problems.isEmpty() ? null : problems.getFirst();
    }

    /** Why a live session's token was revoked: its agent was disabled, or the token (or its family) was revoked. */
    Problem revocationCause(VerifiedToken token) {
        Problem agent = agentProblem(token);
        return agent != null && agent.code().equals(ErrorCode.AGENT_DISABLED.code()) ? agent : Problem.of(ErrorCode.TOKEN_REVOKED);
    }

    /** What the token's agent, as the directory has it now, stands against: gone or disabled, or in another org; null if fine. */
    private Problem agentProblem(VerifiedToken token) {
        if (token.agentId() == null) return null;
        var agent = agents.find(token.agentId()).orElse(null);
        if (agent == null || !agent.enabled()) {
            return Problem.of(ErrorCode.AGENT_DISABLED, Map.of("agent", token.agentId(), "org", String.valueOf(token.orgId())));
        }
        if (!agent.orgId().equals(token.orgId())) {
            return Problem.of(ErrorCode.TOKEN_WRONG_ORG, Map.of("tokenOrg", String.valueOf(token.orgId()), "expectedOrg", agent.orgId()));
        }
        return null;
    }
}
