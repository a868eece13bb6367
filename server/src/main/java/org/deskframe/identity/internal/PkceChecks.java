package org.deskframe.identity.internal;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.Optional;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.Problem;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.PkceParameterNames;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * The forms RFC 7636 gives PKCE values, which Spring does not check: a {@code code_verifier} is 43-128 characters of
 * A-Z a-z 0-9 - . _ ~ (4.1), and an S256 {@code code_challenge} is the 43-character base64url SHA-256 of one (4.2).
 * As a client-authentication converter, placed first, it refuses a token request whose verifier is malformed
 * ({@code invalid_grant}, {@code pkce.invalid}) before any client is authenticated, and otherwise converts nothing.
 */
final class PkceChecks implements AuthenticationConverter {

    static final int VERIFIER_MIN = 43;
    static final int VERIFIER_MAX = 128;
    static final int S256_CHALLENGE_LENGTH = 43;

    @Override
    public Authentication convert(HttpServletRequest request) {
        String verifier = request.getParameter(PkceParameterNames.CODE_VERIFIER);
        if (verifier != null && AuthorizationGrantType.AUTHORIZATION_CODE.getValue().equals(request.getParameter("grant_type"))) {
            verifierProblem(verifier).ifPresent(p -> {
                throw CatalogueOAuth2Error.refusal(OAuth2ErrorCodes.INVALID_GRANT, p);
            });
        }
        return null;
    }

    /** The {@code pkce.invalid} problem of a malformed code verifier, if it is one. */
    static Optional<Problem> verifierProblem(String verifier) {
        String reason = null;
        if (verifier.length() < VERIFIER_MIN || verifier.length() > VERIFIER_MAX) {
            reason = "it is " + verifier.length() + " characters long; RFC 7636 requires " + VERIFIER_MIN + " to " + VERIFIER_MAX;
        } else {
            reason = outsideAlphabet(verifier, true).map(c -> "it contains " + c + ", which is not one of A-Z a-z 0-9 - . _ ~")
                    .orElse(null);
        }
        return Optional.ofNullable(reason).map(r -> problem(PkceParameterNames.CODE_VERIFIER, r));
    }

    /** The {@code pkce.invalid} problem of a malformed S256 code challenge, if it is one. */
    static Optional<Problem> s256ChallengeProblem(String challenge) {
        String reason = null;
        if (challenge.length() != S256_CHALLENGE_LENGTH) {
            reason = "it is " + challenge.length() + " characters long; an S256 challenge is the base64url SHA-256 of the "
                    + "verifier without padding, " + S256_CHALLENGE_LENGTH + " characters";
        } else {
            reason = outsideAlphabet(challenge, false).map(c -> "it contains " + c + ", which base64url (A-Z a-z 0-9 - _) has not")
                    .orElse(null);
        }
        return Optional.ofNullable(reason).map(r -> problem(PkceParameterNames.CODE_CHALLENGE, r));
    }

    private static Problem problem(String parameter, String reason) {
        return Problem.of(ErrorCode.PKCE_INVALID, Map.of("parameter", parameter, "reason", reason));
    }

    /** The first character outside RFC 7636's unreserved set (verifier) or base64url (challenge), described. */
    private static Optional<String> outsideAlphabet(String value, boolean unreserved) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || (unreserved && (c == '.' || c == '~'));
            if (!ok) {
                return Optional.of(c >= 0x21 && c <= 0x7E ? "'" + c + "' at position " + (i + 1)
                        : String.format("the character U+%04X at position %d", (int) c, i + 1));
            }
        }
        return Optional.empty();
    }
}
