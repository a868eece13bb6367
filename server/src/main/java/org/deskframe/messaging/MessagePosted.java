package org.deskframe.messaging;

import java.util.List;

/** A message became durable. Published in sequence order per conversation, after commit. */
public record MessagePosted(String orgId, Message message, List<Participant> recipients) {}
