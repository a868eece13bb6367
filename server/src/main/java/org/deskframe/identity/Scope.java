package org.deskframe.identity;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The one scope table: every scope Deskframe knows, what it grants and who needs it. {@code docs/scopes.md}
 * is rendered from it (and a test keeps the two equal).
 */
public enum Scope {
    MESSAGING_READ("messaging:read", "Read conversations, messages, receipts and history.",
            "messaging widget; GET /api/v2/conversations/**"),
    MESSAGING_WRITE("messaging:write", "Send messages, typing indicators and receipts.",
            "messaging widget; POST /api/v2/conversations/**"),
    VOICE("voice", "Place, receive and control voice calls.", "voice widget"),
    VIDEO("video", "Place, receive and control video calls.", "video widget"),
    // staples (issue 9): the directory an agent picks a peer from
    AGENTS_READ("agents:read", "Search the agents of the token's organisation (id, username, display name).",
            "find_agents (the agent search of the messaging panel; optional, the panel works without it)"),
    PRESENCE("presence", "Read and set agent presence and capacity.", "routing presence API"),
    // guest
    GUEST("guest", "A customer's guest session of one messenger deployment: its own conversations only (issued by POST /api/v2/guest/sessions, never by an OAuth client).",
            "messenger widget (the customer's); GET /api/v2/conversations/{id}/messages of its own conversations"),
    // routing
    ROUTING_READ("routing:read", "Read the routing decisions of the organisation's conversations (queued, offered, accepted, transferred, closed).",
            "GET /api/v2/conversations/{id}/events"),
    SUPERVISOR_READ("supervisor:read", "Watch the organisation's queues: waiting conversations, longest wait, offers, assignments and agents by presence with their load.",
            "supervisor widget; GET /api/v2/supervisor/queues; watch_queues"),
    // routing end
    ADMIN("admin", "Administer organisations, agents, queues and OAuth clients (client_credentials only).",
            "/api/v2/admin/**"),
    METRICS_READ("metrics:read", "Read the deployment's operational metrics (client_credentials of the deployment admin client only).",
            "GET /actuator/prometheus (docs/observability.md)");

    private final String value;
    private final String grants;
    private final String neededBy;

    Scope(String value, String grants, String neededBy) {
        this.value = value;
        this.grants = grants;
        this.neededBy = neededBy;
    }

    public String value() { return value; }
    public String grants() { return grants; }
    public String neededBy() { return neededBy; }

    public static Optional<Scope> of(String value) {
        return Arrays.stream(values()).filter(s -> s.value.equals(value)).findFirst();
    }

    public static List<String> allValues() {
        return Arrays.stream(values()).map(Scope::value).toList();
    }

    /**
     * The scope a caller most likely meant by an unknown one ({@code messages:read}, {@code urn:x:messaging:read},
     * {@code messaging}), or empty when nothing is close.
     */
    public static Optional<String> suggestionFor(String requested) {
        if (of(requested).isPresent()) return Optional.empty();
        String s = requested.toLowerCase(Locale.ROOT).trim();
        // Strip URN or URL prefixes such as urn:deskframe:scope:messaging:read or https://x/messaging.read
        for (Scope scope : values()) {
            if (s.endsWith(":" + scope.value) || s.endsWith("/" + scope.value)) return Optional.of(scope.value);
        }
        s = s.replace('.', ':').replace('_', ':').replace('/', ':');
        s = s.replaceAll("^(messages|message|msg|chat|chats|conversations?)(?=:|$)", "messaging");
        if (s.contains(":")) {
            String[] parts = s.split(":");
            String tail = parts.length >= 2 ? parts[parts.length - 2] + ":" + parts[parts.length - 1] : s;
            tail = tail.replaceAll("^(messages|message|msg|chat|chats|conversations?)(?=:)", "messaging");
            if (of(tail).isPresent()) return Optional.of(tail);
            s = tail;
        }
        if (s.equals("messaging")) return Optional.of(MESSAGING_READ.value + " " + MESSAGING_WRITE.value);
        if (s.equals("messaging:send")) return Optional.of(MESSAGING_WRITE.value);
        String probe = s;
        return Arrays.stream(values())
                .map(Scope::value)
                .filter(v -> distance(v, probe) <= 2)
                .min(Comparator.comparingInt(v -> distance(v, probe)));
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev; prev = cur; cur = t;
        }
        return prev[b.length()];
    }
}
