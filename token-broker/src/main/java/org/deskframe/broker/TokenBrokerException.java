package org.deskframe.broker;

import java.time.Duration;
import java.util.Optional;

/**
 * The platform (or the network) refused to give an agent a token. A permanent failure carries what the token endpoint
 * said: the OAuth {@code error} (RFC 6749) and, where the platform adds them, its catalogue {@code code},
 * {@code message} and fix {@code hint}; retrying will not help until the hint is followed. A transient failure
 * ({@link #isTransient()}) is what is left after the retries ran out: network errors, 5xx, 429.
 * No token, secret or assertion is ever part of it.
 */
public class TokenBrokerException extends RuntimeException {

    private final AgentKey key;
    private final int httpStatus;
    private final String error;
    private final String code;
    private final String serverMessage;
    private final String hint;
    private final boolean transientFailure;
    private final Duration retryAfter;
    private final int attempts;

    TokenBrokerException(AgentKey key, int httpStatus, String error, String code, String serverMessage, String hint,
                         boolean transientFailure, Duration retryAfter, int attempts, Throwable cause) {
        super(describe(key, httpStatus, error, code, serverMessage, hint, transientFailure, attempts), cause);
        this.key = key;
        this.httpStatus = httpStatus;
        this.error = error;
        this.code = code;
        this.serverMessage = serverMessage;
        this.hint = hint;
        this.transientFailure = transientFailure;
        this.retryAfter = retryAfter;
        this.attempts = attempts;
    }

    /** A failure found before any request was made (for example: no way to obtain a token for this agent). */
    static TokenBrokerException local(AgentKey key, String message, String hint) {
        return new TokenBrokerException(key, 0, null, null, message, hint, false, null, 0, null);
    }

    /** The agent and scope set the token was asked for. */
    public AgentKey key() { return key; }

    /** The token endpoint's HTTP status, or 0 when no answer arrived (network error) or no request was made. */
    public int httpStatus() { return httpStatus; }

    /** The OAuth error ({@code invalid_grant}, {@code invalid_scope}, {@code invalid_client}...), if the server sent one. */
    public Optional<String> error() { return Optional.ofNullable(error); }

    /**
     * Deskframe's catalogue code, if the server sent one: {@code scope.not_allowed}, {@code auth.throttled}, and for
     * {@code invalid_grant} {@code assertion.invalid}, {@code assertion.bad_signature}, {@code assertion.replayed},
     * {@code grant.agent_not_in_org}, {@code agent.disabled}, {@code refresh.rotated}, {@code refresh.reused}
     * (docs/errors.md).
     */
    public Optional<String> code() { return Optional.ofNullable(code); }

    /** What went wrong: the catalogue message, or the OAuth {@code error_description}, or what the broker saw. */
    public String serverMessage() { return serverMessage; }

    /** How to fix it, if known. */
    public Optional<String> hint() { return Optional.ofNullable(hint); }

    /** True when retrying later may succeed (network, 5xx, 429) and the broker's own retries ran out. */
    public boolean isTransient() { return transientFailure; }

    /** The server's {@code Retry-After}, if it sent one. */
    public Optional<Duration> retryAfter() { return Optional.ofNullable(retryAfter); }

    /** How many requests the broker made before giving up. */
    public int attempts() { return attempts; }

    private static String describe(AgentKey key, int status, String error, String code, String message, String hint,
                                   boolean transientFailure, int attempts) {
        StringBuilder s = new StringBuilder("No token for agent ").append(key == null ? "?" : key.agent());
        if (key != null && !key.scopes().isEmpty()) s.append(" (scopes ").append(key.scopeParameter()).append(')');
        s.append(": ");
        if (code != null) s.append('[').append(code).append("] ");
        else if (error != null) s.append('[').append(error).append("] ");
        s.append(message == null ? "no details" : message);
        if (hint != null && !hint.isBlank()) s.append(" Fix: ").append(hint);
        if (status > 0) s.append(" (HTTP ").append(status);
        else if (attempts > 0) s.append(" (no answer");
        if (attempts > 0) s.append(status > 0 ? ", " : ", ").append(attempts).append(attempts == 1 ? " attempt" : " attempts");
        if (status > 0 || attempts > 0) s.append(')');
        if (transientFailure) s.append(" - transient, retry later");
        return s.toString();
    }
}
