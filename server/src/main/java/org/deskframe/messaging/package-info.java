/**
 * Conversations and their durable, ordered message log: a gapless per-conversation sequence, idempotent sends
 * (by client message id), receipts (every participant's), history, internal notes (agents only, a log of their own),
 * canned responses, conversation search and the attributes other capabilities attach to conversations
 * ({@link org.deskframe.messaging.ConversationAttributes}). Publishes {@link org.deskframe.messaging.MessagePosted} after a
 * message is durable. Serves its ops on the gateway (send, resume, typing, receipt, start_conversation,
 * list_conversations, find_agents, add_note, list_canned_responses) and delivers to sessions through the gateway's API; knows nothing of sockets.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"diagnostics", "identity", "tokens", "protocol", "gateway", "cluster"})
package org.deskframe.messaging;
