package org.deskframe.identity.internal;

import java.io.Serial;
import java.util.Map;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.Problem;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;

/**
 * An RFC 6749 error that also carries the catalogue {@link Problem} it stands for. The OAuth {@code error} stays the
 * RFC's ({@code invalid_grant}...), the {@code error_description} is the problem's message and hint in printable
 * ASCII, and {@link TokenEndpointErrors} adds the problem's {@code code}, {@code message}, {@code hint} and details
 * to the JSON body. Spring passes the exception through unchanged, so the problem survives to the failure handler.
 */
final class CatalogueOAuth2Error extends OAuth2Error {

    @Serial
    private static final long serialVersionUID = 1L;

    /** Not serialised (a Problem is not Serializable); the description keeps its text. */
    private final transient Problem problem;

    private CatalogueOAuth2Error(String errorCode, Problem problem) {
        super(errorCode, ScopeRejection.oauthDescription(problem), null);
        this.problem = problem;
    }

    /** The catalogue problem, or null after deserialisation. */
    Problem problem() {
        return problem;
    }

    /** An exception with OAuth error {@code errorCode} for {@code problem}. */
    static OAuth2AuthenticationException refusal(String errorCode, Problem problem) {
        return new OAuth2AuthenticationException(new CatalogueOAuth2Error(errorCode, problem));
    }

    /** An exception with OAuth error {@code errorCode} for catalogue entry {@code error} and its details. */
    static OAuth2AuthenticationException refusal(String errorCode, ErrorCode error, Map<String, ?> details) {
        return refusal(errorCode, Problem.of(error, details));
    }
}
