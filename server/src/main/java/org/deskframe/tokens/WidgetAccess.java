package org.deskframe.tokens;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.Problem;
import org.deskframe.identity.ClientDirectory;
import org.deskframe.identity.OAuthClient;
import org.deskframe.identity.Widget;
import org.springframework.stereotype.Component;

/**
 * What a verified token may open: the checks after the token itself (agent token, organisation, the client's
 * {@code embed} capability, the widget's scopes, the embedding origin). Returns every problem, not just the first,
 * so one dry run tells an integrator all there is to fix. The gateway handshake runs exactly these checks.
 */
@Component
public class WidgetAccess {

    private final ClientDirectory clients;

    WidgetAccess(ClientDirectory clients) {
        this.clients = clients;
    }

    /**
     * @param expectedOrg the org the embedding page says it is for (null: not checked)
     * @param origin      the embedding page's origin (null: opened from the platform's own pages, not checked)
     */
    public List<Problem> problems(VerifiedToken token, Widget widget, String expectedOrg, String origin) {
        OAuthClient client = clients.find(token.clientId()).filter(OAuthClient::enabled).orElse(null);
        if (client == null) return List.of(Problem.of(ErrorCode.CLIENT_UNKNOWN, Map.of("client", token.clientId())));
        return problems(token, client, widget, expectedOrg, origin);
    }

    /** {@link #problems(VerifiedToken, Widget, String, String)} with the client the token's check already read. */
    public List<Problem> problems(AccessTokenVerifier.Checked checked, Widget widget, String expectedOrg, String origin) {
        return problems(checked.token(), checked.client(), widget, expectedOrg, origin);
    }

    private List<Problem> problems(VerifiedToken token, OAuthClient client, Widget widget, String expectedOrg, String origin) {
        if (widget == Widget.MESSENGER) {
            // The customer's messenger opens with a guest token only, never with a client's or an agent's.
            return List.of(Problem.of(ErrorCode.GUEST_TOKEN_REQUIRED, Map.of("client", client.clientId())));
        }
        List<Problem> problems = new ArrayList<>();
        if (!token.isAgentToken()) {
            problems.add(Problem.of(ErrorCode.TOKEN_NOT_AGENT, Map.of("client", client.clientId())));
        }
        if (expectedOrg != null && !expectedOrg.isBlank() && !expectedOrg.equals(token.orgId())) {
            problems.add(Problem.of(ErrorCode.TOKEN_WRONG_ORG, Map.of("tokenOrg", String.valueOf(token.orgId()), "expectedOrg", expectedOrg)));
        }
        embedProblem(client).ifPresent(problems::add);
        Problem scopes = token.missingScopes(widget.requiredScopeValues(), "the " + widget.id() + " widget");
        if (scopes != null) problems.add(scopes);
        originProblem(client, origin).ifPresent(problems::add);
        return problems;
    }

    /**
     * The checks that depend on the OAuth client and the embedding page alone, before any token: what
     * {@code EmbeddingClient} is told by the embed discovery, in the words and order the handshake uses.
     */
    public List<Problem> clientProblems(String clientId, String origin) {
        OAuthClient client = clients.find(clientId).filter(OAuthClient::enabled).orElse(null);
        if (client == null) return List.of(Problem.of(ErrorCode.CLIENT_UNKNOWN, Map.of("client", clientId)));
        List<Problem> problems = new ArrayList<>();
        embedProblem(client).ifPresent(problems::add);
        originProblem(client, origin).ifPresent(problems::add);
        return problems;
    }

    private static java.util.Optional<Problem> embedProblem(OAuthClient client) {
        return client.canEmbed() ? java.util.Optional.empty()
                : java.util.Optional.of(Problem.of(ErrorCode.CLIENT_EMBED_NOT_ALLOWED, Map.of("client", client.clientId())));
    }

    private static java.util.Optional<Problem> originProblem(OAuthClient client, String origin) {
        if (origin == null || origin.isBlank() || client.embedOrigins().contains(origin)) return java.util.Optional.empty();
        return java.util.Optional.of(Problem.of(ErrorCode.ORIGIN_NOT_ALLOWED, Map.of("origin", origin, "client", client.clientId(),
                "allowed", client.embedOrigins().stream().sorted().toList())));
    }
}
