package org.deskframe.identity;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The embeddable widgets and the scopes each one needs (part of the one scope table). */
public enum Widget {
    MESSAGING(Scope.MESSAGING_READ, Scope.MESSAGING_WRITE),
    VOICE(Scope.VOICE),
    VIDEO(Scope.VIDEO),
    /** The customer's web messenger (a guest token of a messenger deployment, not an agent's). */
    MESSENGER(Scope.GUEST),
    /** A supervisor's live view of the org's queues (an agent token with {@code supervisor:read}). */
    SUPERVISOR(Scope.SUPERVISOR_READ);

    private final List<Scope> requiredScopes;

    Widget(Scope... requiredScopes) {
        this.requiredScopes = List.of(requiredScopes);
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public List<Scope> requiredScopes() {
        return requiredScopes;
    }

    public List<String> requiredScopeValues() {
        return requiredScopes.stream().map(Scope::value).toList();
    }

    /** The widgets' ids, for messages that list them: {@code messaging, voice, video}. */
    public static String known() {
        return String.join(", ", Arrays.stream(values()).map(Widget::id).toList());
    }

    public static Optional<Widget> of(String id) {
        return Arrays.stream(values()).filter(w -> w.id().equals(id)).findFirst();
    }
}
