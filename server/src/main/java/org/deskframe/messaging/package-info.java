/**
 * Conversations and their durable, ordered message log: a gapless per-conversation sequence, idempotent sends
 * (by client message id), receipts and history. Publishes {@link org.deskframe.messaging.MessagePosted} after a
 * message is durable. Serves its ops on the gateway (send, resume, typing, receipt, start_conversation,
 * list_conversations) and delivers to sessions through the gateway's API; knows nothing of sockets.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"diagnostics", "identity", "tokens", "protocol", "gateway", "cluster"})
package org.deskframe.messaging;
