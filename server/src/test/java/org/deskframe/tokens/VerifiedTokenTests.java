package org.deskframe.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.Problem;
import org.deskframe.diagnostics.ProblemException;
import org.junit.jupiter.api.Test;

/** The hint of a missing scope says what is true for the token's OAuth client. */
class VerifiedTokenTests {

    private static VerifiedToken token(Set<String> granted, Set<String> clientAllows) {
        Instant now = Instant.parse("2026-12-01T10:00:00Z");
        return new VerifiedToken("jti-1", "agent1", "agent1", "demo", "demo-backend", "local", "http://localhost:8080",
                granted, now, now.plusSeconds(900), clientAllows);
    }

    @Test
    void whenTheClientAllowsTheMissingScopeThenTheHintSaysToRequestItAndNamesWhatWasAskedFor() {
        VerifiedToken t = token(Set.of("messaging:read", "voice", "video"),
                Set.of("messaging:read", "messaging:write", "voice", "video", "presence"));
        Problem p = t.missingScopes(List.of("messaging:read", "messaging:write"), "the messaging widget");
        assertThat(p.code()).isEqualTo("token.scope_missing");
        assertThat(p.error()).isEqualTo(ErrorCode.TOKEN_SCOPE_NOT_REQUESTED);
        assertThat(p.message()).isEqualTo(
                "The token lacks scope messaging:write needed by the messaging widget (granted: messaging:read video voice).");
        assertThat(p.hint()).isEqualTo("Request messaging:write when obtaining the token (your backend asked for: "
                + "messaging:read video voice); OAuth client demo-backend already allows it.");
        assertThat(p.hint()).doesNotContain("Add ");
        assertThat(p.details()).containsEntry("clientAllows", List.of("messaging:write")).doesNotContainKey("notAllowed");
    }

    @Test
    void whenTheClientDoesNotAllowTheMissingScopeThenTheHintSaysToAllowItFirstThenRequestIt() {
        VerifiedToken t = token(Set.of("messaging:read"), Set.of("messaging:read"));
        Problem p = t.missingScopes(List.of("messaging:read", "messaging:write"), "the messaging widget");
        assertThat(p.error()).isEqualTo(ErrorCode.TOKEN_SCOPE_MISSING);
        assertThat(p.hint()).isEqualTo("Add messaging:write to the allowed scopes of OAuth client demo-backend (admin API), "
                + "then request messaging:write when obtaining the token (your backend asked for: messaging:read).");
        assertThat(p.details()).containsEntry("notAllowed", List.of("messaging:write"));
    }

    @Test
    void whenSomeMissingScopesAreAllowedAndOthersNotThenOnlyTheOthersAreToBeAddedButAllRequested() {
        VerifiedToken t = token(Set.of("messaging:read"), Set.of("messaging:read", "voice"));
        Problem p = t.missingScopes(List.of("voice", "video"), "the calls API");
        assertThat(p.error()).isEqualTo(ErrorCode.TOKEN_SCOPE_MISSING);
        assertThat(p.hint()).startsWith("Add video to the allowed scopes of OAuth client demo-backend (admin API), then request voice video");
        assertThat(p.details()).containsEntry("notAllowed", List.of("video")).containsEntry("clientAllows", List.of("voice"));
    }

    @Test
    void requireScopesThrowsTheSameProblemAndNothingWhenEveryScopeIsThere() {
        VerifiedToken t = token(Set.of("messaging:read"), Set.of("messaging:read", "messaging:write"));
        t.requireScopes(List.of("messaging:read"), "the conversation history API");
        assertThatThrownBy(() -> t.requireScopes(List.of("messaging:write"), "sending"))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.problem().hint())
                        .startsWith("Request messaging:write when obtaining the token"));
    }
}
