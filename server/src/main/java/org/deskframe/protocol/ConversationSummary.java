package org.deskframe.protocol;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/** A conversation in the {@code conversations} reply, with where the caller stands in it. */
public record ConversationSummary(@JsonUnwrapped ConversationView conversation, long readSeq, long unread) {}
