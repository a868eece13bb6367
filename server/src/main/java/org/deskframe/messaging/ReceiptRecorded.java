package org.deskframe.messaging;

import java.util.List;

/** A participant acknowledged messages up to {@code seq} as delivered or read. */
public record ReceiptRecorded(String orgId, String conversationId, Participant participant, String kind, long seq,
                              List<Participant> recipients) {}
