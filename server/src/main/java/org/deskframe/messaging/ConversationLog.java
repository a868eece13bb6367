package org.deskframe.messaging;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The ordered, durable history of each conversation.
 * <ul>
 * <li>Append assigns the next sequence (gapless, strictly increasing per conversation, across nodes) and completes
 * only after the message is committed; a repeated client message id from the same sender completes with the
 * originally stored message and {@code duplicate = true}, storing nothing.</li>
 * <li>Read returns messages with {@code seq > after} in sequence order, at most {@code limit}.</li>
 * </ul>
 */
public interface ConversationLog {
    CompletableFuture<Appended> append(Conversation conversation, Participant sender, String clientMessageId, String text);

    List<Message> read(String conversationId, long after, int limit);

    record Appended(Message message, boolean duplicate) {}
}
