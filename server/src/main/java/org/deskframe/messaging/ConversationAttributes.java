package org.deskframe.messaging;

import java.util.Map;

/**
 * The port through which another capability attaches searchable facts to a conversation, such as the guest capability
 * attaching its customer's {@code name} and {@code email}. Messaging stores them in its own table: agents find the
 * conversation by them ({@code GET /api/v2/conversations/search}), and a customer participant's {@code name} becomes
 * its display name. Attributes are never shown to customers.
 * <ul>
 * <li>{@code describe} replaces the values of the attributes it names and keeps the others; an empty value removes
 * the attribute. Names: lower-case letters, digits, {@code . _ -}, at most 64 characters; values at most 500
 * characters; at most {@value #MAX_ATTRIBUTES} per conversation. Anything else is
 * {@code conversation.attribute_invalid}, a conversation that does not exist {@code resource.not_found}.</li>
 * <li>It is idempotent and may be called again whenever the facts change (a verified customer's new email).</li>
 * </ul>
 */
public interface ConversationAttributes {

    int MAX_ATTRIBUTES = 20;

    void describe(String conversationId, Map<String, String> attributes);

    /** The conversation's attributes, by name (empty when it has none or does not exist). */
    Map<String, String> of(String conversationId);
}
