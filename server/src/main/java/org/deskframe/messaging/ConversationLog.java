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
 * <li>Seal-lost is for evidence that the storage lost acknowledged messages (a client has seen sequence numbers
 * beyond the stored last one): each missing number up to {@code upTo} gets a {@link Message#lost lost} placeholder, in
 * order with appends, so the numbers are never handed out again. Holes wider than {@link #MAX_SEALED_HOLE} are
 * refused (completes with an empty range).</li>
 * </ul>
 */
public interface ConversationLog {
    default CompletableFuture<Appended> append(Conversation conversation, Participant sender, String clientMessageId, String text) {
        return append(conversation, sender, clientMessageId, text, null);
    }

    /** As above, for a message that carries a stored {@code attachment} (null: none). */
    CompletableFuture<Appended> append(Conversation conversation, Participant sender, String clientMessageId, String text,
                                       Attachment attachment);

    List<Message> read(String conversationId, long after, int limit);

    CompletableFuture<Sealed> sealLost(Conversation conversation, long upTo, Participant reportedBy);

    /** The widest hole one report may seal: more than a crash of a durable store can lose, less than a flood. */
    long MAX_SEALED_HOLE = 10_000;

    record Appended(Message message, boolean duplicate) {}

    /** The sequence numbers sealed as lost, {@code from..to} inclusive; empty when there was no hole to seal. */
    record Sealed(long from, long to) {
        public boolean isEmpty() {
            return to < from;
        }
    }
}
