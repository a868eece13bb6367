package org.deskframe.guest;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A web messenger as an organisation deploys it on its site: the pages that may embed it (exact origins, like an OAuth
 * client's embedding origins), the queue its conversations enter, what the customer is told first, and optionally
 * business hours, pre-chat fields and the verification of integrator-signed customer tokens.
 *
 * @param offlineMessage what the customer is told instead of the greeting outside business hours (the conversation
 *                       still enters the queue)
 * @param prechatFields  which of {@code name}, {@code email} the messenger asks before the first message
 */
public record MessengerDeployment(String id, String orgId, String name, Set<String> allowedOrigins, String queueId,
                                  String greeting, BusinessHours businessHours, String offlineMessage,
                                  List<String> prechatFields, Verification verification, Instant createdAt,
                                  Instant updatedAt, Attachments attachments) {

    public static final List<String> PRECHAT_FIELDS = List.of("name", "email");

    public MessengerDeployment {
        allowedOrigins = Set.copyOf(allowedOrigins);
        prechatFields = prechatFields == null ? List.of() : List.copyOf(prechatFields);
        if (attachments == null) attachments = Attachments.PLATFORM;
    }

    public MessengerDeployment(String id, String orgId, String name, Set<String> allowedOrigins, String queueId,
                               String greeting, BusinessHours businessHours, String offlineMessage,
                               List<String> prechatFields, Verification verification, Instant createdAt, Instant updatedAt) {
        this(id, orgId, name, allowedOrigins, queueId, greeting, businessHours, offlineMessage, prechatFields, verification,
                createdAt, updatedAt, Attachments.PLATFORM);
    }

    /**
     * The limits of customers' uploads: the largest file in bytes, and the content types (sniffed from the bytes;
     * {@code type/*} a family). A null part: the platform's ({@code deskframe.messaging.attachments.*}).
     */
    public record Attachments(Long maxBytes, List<String> allowedTypes) {
        public static final Attachments PLATFORM = new Attachments(null, null);

        public Attachments {
            allowedTypes = allowedTypes == null || allowedTypes.isEmpty() ? null : List.copyOf(allowedTypes);
        }
    }

    public boolean allows(String origin) {
        return origin != null && allowedOrigins.contains(origin);
    }

    /** What the customer is told when a conversation opens at {@code now}: the greeting, or the offline message. */
    public String openingMessage(Instant now) {
        boolean open = businessHours == null || businessHours.isOpen(now);
        String text = open ? greeting : (offlineMessage == null || offlineMessage.isBlank() ? greeting : offlineMessage);
        return text == null || text.isBlank() ? null : text;
    }

    /**
     * How customer tokens are checked: with an HS256 secret (kept encrypted; never shown again after it is set), or
     * with the keys at a JWKS URL (RS256 or ES256).
     */
    public record Verification(boolean hasSecret, String jwksUrl) {
        public String kind() {
            return hasSecret ? "HS256" : "JWKS";
        }
    }
}
