package org.deskframe.protocol;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.deskframe.diagnostics.Problem;
import tools.jackson.databind.annotation.JsonTypeIdResolver;

/**
 * Every frame the server sends: replies echo their command's {@code id}; pushes carry none. Encoded by
 * {@link FrameCodec} with {@code op} first ({@link Op#of(ServerFrame)}) and absent fields left out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonTypeInfo(use = JsonTypeInfo.Id.CUSTOM, include = JsonTypeInfo.As.PROPERTY, property = "op")
@JsonTypeIdResolver(OpTypeIds.class)
public sealed interface ServerFrame {

    /** The handshake succeeded: the session, who it is, what its token allows, and the session's limits. */
    record Ready(String id, String session, String widget, AgentView agent, List<String> scopes, Instant expiresAt,
                 long heartbeatSeconds, int maxFrameBytes) implements ServerFrame {}

    /**
     * A failure from the catalogue: code, message, hint and the details that make the message exact (at the top level,
     * as in HTTP problem bodies). A closing one adds {@code closeCode} and {@code action} (and every problem found).
     */
    record Error(String id, String code, String message, String hint, @JsonAnyGetter Map<String, Object> details,
                 Integer closeCode, String action, List<Map<String, Object>> problems) implements ServerFrame {

        /** An error that leaves the session open. */
        public static Error of(String id, Problem problem) {
            return new Error(id, problem.code(), problem.message(), problem.hint(), problem.details(), null, null, null);
        }

        /** The error frame sent before the close frame with the catalogue's close code. */
        public static Error closing(String id, Problem problem, List<Problem> all) {
            return new Error(id, problem.code(), problem.message(), problem.hint(), problem.details(),
                    problem.error().closeCode(), problem.error().clientAction().action(),
                    all.size() > 1 ? all.stream().map(Problem::toMap).toList() : null);
        }
    }

    record Refreshed(String id, Instant expiresAt, List<String> scopes) implements ServerFrame {}

    record Ping() implements ServerFrame {}

    record TokenExpiring(long in, Instant expiresAt) implements ServerFrame {}

    record Ack(String id, String conversation, long seq, String clientMessageId, boolean duplicate) implements ServerFrame {}

    /** A message of one of the session's conversations (op {@code message}). */
    record MessagePush(@JsonUnwrapped MessageView message) implements ServerFrame {}

    /**
     * The end of a conversation's replay. {@code status}: {@code ok} (everything up to {@code seq} was sent),
     * {@code unknown}, or {@code position_ahead} (with the server's {@code seq} and the {@code requested} position).
     */
    record CaughtUp(String id, String conversation, String status, Long seq, Long requested,
                    List<ReceiptView> receipts) implements ServerFrame {
        public static CaughtUp ok(String id, String conversation, long seq) {
            return ok(id, conversation, seq, null);
        }

        /** With every participant's delivered/read position, so ticks are right after a reconnect. */
        public static CaughtUp ok(String id, String conversation, long seq, List<ReceiptView> receipts) {
            return new CaughtUp(id, conversation, "ok", seq, null, receipts);
        }

        public static CaughtUp unknown(String id, String conversation) {
            return new CaughtUp(id, conversation, "unknown", null, null, null);
        }

        public static CaughtUp positionAhead(String id, String conversation, long seq, long requested) {
            return new CaughtUp(id, conversation, "position_ahead", seq, requested, null);
        }
    }

    record ReceiptOk(String id, String conversation, String kind, long seq) implements ServerFrame {}

    /** Another participant's delivered/read position moved. */
    record Receipt(String conversation, ParticipantView participant, String kind, long seq) implements ServerFrame {}

    /** Another participant is typing. */
    record Typing(String conversation, ParticipantView participant) implements ServerFrame {}

    /** A conversation: the reply to {@code start_conversation}, or a push to the other participants (no id). */
    record ConversationFrame(String id, ConversationView conversation) implements ServerFrame {}

    record Conversations(String id, List<ConversationSummary> conversations) implements ServerFrame {}

    // --- staples (issue 9/11): agent search, internal notes, canned responses ---

    /** The reply to {@code find_agents}: at most 20 agents of the caller's org. */
    record Agents(String id, List<AgentView> agents) implements ServerFrame {}

    /** An internal note: the reply to {@code add_note}, or a push (no id) to the conversation's agents only. */
    record NoteFrame(String id, NoteView note) implements ServerFrame {}

    record CannedResponses(String id, List<CannedResponseView> cannedResponses) implements ServerFrame {}
    // routing (docs/routing.md): replies echo the command's id; pushes carry none

    /** An agent's presence: the reply to {@code set_presence}, and a push to all its sessions when it changes. */
    record Presence(String id, String agent, String status, Instant since) implements ServerFrame {}

    /** A customer conversation offered to this agent until {@code expiresAt}: accept or decline it. */
    record ConversationOffered(String conversation, CustomerView customer, String queue, Instant expiresAt) implements ServerFrame {}

    /** The conversation is now this agent's (the reply to {@code accept}, or a push on auto-accept and transfer). */
    record ConversationAssigned(String id, String conversation, CustomerView customer, String queue) implements ServerFrame {}

    /** The conversation moved from {@code from} to {@code to} (an agent or a queue), on {@code by}'s request. */
    record ConversationTransferred(String id, String conversation, ParticipantView from, ParticipantView to,
                                   ParticipantView by) implements ServerFrame {}

    /** {@code reason}: closed, inactivity; {@code by} who closed it (agent, customer or system). */
    record ConversationEnded(String id, String conversation, ParticipantView by, String reason, String wrapUp) implements ServerFrame {}

    /** An offer to this agent was taken back; {@code reason}: declined, timeout, offline, closed, taken. */
    record OfferWithdrawn(String id, String conversation, String reason) implements ServerFrame {}

    /** To the customer: an agent joined its conversation (assigned, or after a transfer). */
    record AgentJoined(String conversation, AgentRef agent) implements ServerFrame {}

    /** To the customer of a waiting conversation: its place (1 = next) and an estimate of the wait. */
    record QueuePosition(String conversation, int position, long estimatedWaitSeconds) implements ServerFrame {}

    /**
     * The org's queues at {@code at}: the reply to {@code watch_queues} (its id), then a push (no id) after routing state
     * changed, at most one per debounce interval.
     */
    record Queues(String id, Instant at, List<QueueView> queues) implements ServerFrame {}
    // routing end
    // calls (docs/calls.md)

    /**
     * A call as it is now: the reply to every call command (with its id), and a push (no id) to both sides' sessions
     * whenever its state, hold or mute changes; every new session of a participant gets one per call not yet ended.
     */
    record CallFrame(String id, CallView call) implements ServerFrame {}

    /**
     * The other side's SDP or ICE candidate, numbered per call and recipient ({@code seq} from 1, gapless): a session
     * that re-attaches with {@code call_attach} gets those after the seq it names again.
     */
    record CallSignal(String call, long seq, ParticipantView from, Sdp sdp, IceCandidate candidate, Boolean restart)
            implements ServerFrame {}
    // calls end
}
