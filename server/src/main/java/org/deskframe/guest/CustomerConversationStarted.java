package org.deskframe.guest;

import java.time.Instant;

/**
 * A customer opened a conversation from a messenger deployment (published after the conversation is stored, in the
 * same transaction's commit order). Routing enqueues it in {@code queueId}.
 */
public record CustomerConversationStarted(String orgId, String conversationId, String deploymentId, String queueId,
                                          CustomerProfile customer, Instant startedAt) {}
