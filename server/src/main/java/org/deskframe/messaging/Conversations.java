package org.deskframe.messaging;

import java.util.Map;
import java.util.List;
import java.util.Optional;

/**
 * Conversations as seen by a member of an organisation. Every lookup is scoped by org and membership, and a
 * conversation the caller may not see is indistinguishable from one that does not exist.
 */
public interface Conversations {
    Conversation start(String orgId, Participant creator, List<Participant> others, String subject);
    /** The conversation if it belongs to {@code orgId} and {@code member} takes part in it. */
    Optional<Conversation> findFor(String orgId, Participant member, String conversationId);
    List<Conversation> listFor(String orgId, Participant member);
    /**
     * Where {@code member} stands in each of its conversations: the last sequence it marked read, and how many
     * messages from others came after it. Lets a widget show unread counts right after a reload.
     */
    Map<String, ReadPosition> readPositions(String orgId, Participant member);

    record ReadPosition(long readSeq, long unread) {}

    /** Records a delivered/read receipt (monotonic: a lower seq than the stored one is ignored). */
    void recordReceipt(Conversation conversation, Participant participant, String kind, long seq);

    // routing: who takes part changes as a conversation is routed (these join the caller's transaction, if any).

    /**
     * Adds {@code participant} (an agent accepting or receiving a transfer): from now on it receives the conversation's
     * messages and may read its whole history. Adding a participant twice does nothing.
     */
    void addParticipant(String conversationId, Participant participant);

    /** Removes {@code participant} (an agent transferring the conversation away); it no longer sees the conversation. */
    void removeParticipant(String conversationId, Participant participant);

    /** Marks the conversation closed (its transcript stays readable); closing it twice does nothing. */
    void markClosed(String conversationId);
}
