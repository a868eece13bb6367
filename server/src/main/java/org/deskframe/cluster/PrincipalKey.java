package org.deskframe.cluster;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Who a session belongs to, as the cluster knows it: {@code <kind>:<id>}, such as {@code agent:a-42} or
 * {@code guest:g-7}. The kind is lower-case letters, digits, {@code _} or {@code -}; the id anything without
 * whitespace.
 */
public record PrincipalKey(String value) {

    private static final Pattern FORM = Pattern.compile("[a-z][a-z0-9_-]*:\\S+");

    public PrincipalKey {
        Objects.requireNonNull(value, "value");
        if (!FORM.matcher(value).matches()) {
            throw new IllegalArgumentException("a principal key is <kind>:<id> without whitespace, such as agent:a-42, not '" + value + "'");
        }
    }

    public static PrincipalKey of(String value) {
        return new PrincipalKey(value);
    }

    public static PrincipalKey agent(String agentId) {
        return new PrincipalKey("agent:" + agentId);
    }

    public static PrincipalKey guest(String guestId) {
        return new PrincipalKey("guest:" + guestId);
    }

    public String kind() {
        return value.substring(0, value.indexOf(':'));
    }

    public String id() {
        return value.substring(value.indexOf(':') + 1);
    }

    @Override
    public String toString() {
        return value;
    }
}
