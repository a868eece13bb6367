/**
 * Conversations and their durable, ordered message log: a gapless per-conversation sequence, idempotent sends
 * (by client message id), receipts and history. Publishes {@link org.deskframe.messaging.MessagePosted} after a
 * message is durable; knows nothing of sockets.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"diagnostics", "identity", "tokens", "protocol"})
package org.deskframe.messaging;
