package org.deskframe.protocol;

import java.util.List;
import java.util.Map;

/**
 * Every frame a client may send. Commands carry an optional {@code id} that their one reply echoes; notifications
 * ({@code pong}, {@code typing}) are answered only when refused. Decoded strictly by {@link FrameCodec}; each record's
 * op is {@link Op#of(ClientFrame)}.
 */
public sealed interface ClientFrame {
    String id();

    /** The first frame of every connection: the token, which widget opens, and where to resume. */
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

    // --- staples (issue 9/11): agent search, internal notes, canned responses ---

    /** Agents of the caller's org whose username or display name contains {@code query} (case-insensitive). */
    record FindAgents(String id, String query) implements ClientFrame {}

    /** An internal note on a conversation: agents only, never delivered to a customer. */
    record AddNote(String id, String conversation, String clientNoteId, String text) implements ClientFrame {}

    record ListCannedResponses(String id) implements ClientFrame {}
    // routing: an agent's presence and its part in routed conversations (docs/routing.md)

    /** {@code status}: available, away, busy or offline ({@code after_contact_work} is the system's). */
    record SetPresence(String id, String status) implements ClientFrame {}

    record Accept(String id, String conversation) implements ClientFrame {}

    record Decline(String id, String conversation) implements ClientFrame {}

    /** To another agent ({@code agent}) or back to a queue ({@code queue}): exactly one of the two. */
    record Transfer(String id, String conversation, String agent, String queue) implements ClientFrame {}

    /** Ends a conversation (an agent, or the customer for its own); {@code wrapUp} is the queue's code, when it has them. */
    record Close(String id, String conversation, String wrapUp) implements ClientFrame {}

    /** A supervisor's view of the org's queues: answered with {@code queues}, then pushed again when routing changes. */
    record WatchQueues(String id) implements ClientFrame {}
    // routing end
    // calls (docs/calls.md): voice and video signalling and call control

    /**
     * Rings an agent ({@code agent}: agent to agent) or the other side of a conversation ({@code conversation}: a
     * customer calls its conversation's agent, or an agent escalates a chat to a call with its customer): exactly one
     * of the two. {@code media}: {@code audio} or {@code video}.
     */
    record CallInvite(String id, String agent, String conversation, String media) implements ClientFrame {}

    /** The callee answers; this session carries the callee's side of the call from now on. */
    record CallAccept(String id, String call) implements ClientFrame {}

    record CallDecline(String id, String call) implements ClientFrame {}

    /**
     * Ends the call. {@code reason}: absent for a person hanging up, or the catalogue code of the failure that ended it
     * on this side ({@code call.ice_failed}, {@code media.permission_denied}, {@code media.device_not_found}).
     */
    record CallHangup(String id, String call, String reason) implements ClientFrame {}

    record CallHold(String id, String call, boolean on) implements ClientFrame {}

    record CallMute(String id, String call, boolean on) implements ClientFrame {}

    /**
     * After a reconnect: this session carries the caller's side of the call again, and the other side's signals after
     * {@code after} (the last {@code call_signal} seq it processed) are replayed to it.
     */
    record CallAttach(String id, String call, long after) implements ClientFrame {}

    /**
     * Relayed to the other side as it is: an SDP offer/answer ({@code sdp}) or one trickled ICE candidate
     * ({@code candidate}), exactly one of the two; {@code restart} marks the offer of an ICE restart. A notification:
     * answered only when refused.
     */
    record CallSignal(String id, String call, Sdp sdp, IceCandidate candidate, boolean restart) implements ClientFrame {}

    /** What this side received over the call (its media-quality summary), sent at the end or whenever it likes. */
    record CallReport(String id, String call, CallQuality quality) implements ClientFrame {}
    // calls end
}
