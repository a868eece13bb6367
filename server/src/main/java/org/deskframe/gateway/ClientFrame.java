package org.deskframe.gateway;

import java.util.List;
import java.util.Map;

/**
 * Every frame a client may send. Commands carry an optional {@code id} that the server's reply echoes.
 * Specified with examples in docs/protocol.md; decoded by {@link FrameCodec}.
 */
public sealed interface ClientFrame {
    String id();

    record Authenticate(String id, String token, String widget, String embedOrigin, String org,
                        Map<String, Long> resume) implements ClientFrame {}

    record Refresh(String id, String token) implements ClientFrame {}

    record Pong(String id) implements ClientFrame {}

    record Send(String id, String conversation, String clientMessageId, String text) implements ClientFrame {}

    record Resume(String id, Map<String, Long> positions) implements ClientFrame {}

    record Typing(String id, String conversation) implements ClientFrame {}

    record Receipt(String id, String conversation, long seq, String kind) implements ClientFrame {}

    record StartConversation(String id, List<String> agents, String subject) implements ClientFrame {}

    record ListConversations(String id) implements ClientFrame {}
}
