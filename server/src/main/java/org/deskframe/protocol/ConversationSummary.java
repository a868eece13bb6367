package org.deskframe.protocol;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;
import java.util.List;

/**
 * A conversation in the {@code conversations} reply, with where the caller stands in it ({@code readSeq},
 * {@code unread}), when it last changed ({@code lastActivityAt}: its newest message's time, else its start) and where
 * every participant stands ({@code receipts}).
 */
public record ConversationSummary(@JsonUnwrapped ConversationView conversation, long readSeq, long unread,
                                  Instant lastActivityAt, List<ReceiptView> receipts) {}
