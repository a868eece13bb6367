package org.deskframe.protocol;

import java.util.Objects;
import java.util.stream.Stream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every op of the protocol, by its name on the wire, with the record a client sends under it and the record the
 * server sends under it (either may be absent; {@code typing} and {@code receipt} are both). The one list that drives
 * decoding, encoding, the JavaScript mirror ({@code embed/v1/ops.js}) and the check that docs/protocol.md documents
 * exactly these ops.
 */
public enum Op {
    AUTHENTICATE(ClientFrame.Authenticate.class, null),
    REFRESH(ClientFrame.Refresh.class, null),
    PONG(ClientFrame.Pong.class, null),
    SEND(ClientFrame.Send.class, null),
    RESUME(ClientFrame.Resume.class, null),
    TYPING(ClientFrame.Typing.class, ServerFrame.Typing.class),
    RECEIPT(ClientFrame.Receipt.class, ServerFrame.Receipt.class),
    START_CONVERSATION(ClientFrame.StartConversation.class, null),
    LIST_CONVERSATIONS(ClientFrame.ListConversations.class, null),
    READY(null, ServerFrame.Ready.class),
    ERROR(null, ServerFrame.Error.class),
    REFRESHED(null, ServerFrame.Refreshed.class),
    PING(null, ServerFrame.Ping.class),
    TOKEN_EXPIRING(null, ServerFrame.TokenExpiring.class),
    ACK(null, ServerFrame.Ack.class),
    MESSAGE(null, ServerFrame.MessagePush.class),
    CAUGHT_UP(null, ServerFrame.CaughtUp.class),
    RECEIPT_OK(null, ServerFrame.ReceiptOk.class),
    CONVERSATION(null, ServerFrame.ConversationFrame.class),
    CONVERSATIONS(null, ServerFrame.Conversations.class),
    // --- staples (issue 9/11) ---
    FIND_AGENTS(ClientFrame.FindAgents.class, null),
    ADD_NOTE(ClientFrame.AddNote.class, null),
    LIST_CANNED_RESPONSES(ClientFrame.ListCannedResponses.class, null),
    AGENTS(null, ServerFrame.Agents.class),
    NOTE(null, ServerFrame.NoteFrame.class),
    CANNED_RESPONSES(null, ServerFrame.CannedResponses.class),
    // routing
    SET_PRESENCE(ClientFrame.SetPresence.class, null),
    ACCEPT(ClientFrame.Accept.class, null),
    DECLINE(ClientFrame.Decline.class, null),
    TRANSFER(ClientFrame.Transfer.class, null),
    CLOSE(ClientFrame.Close.class, null),
    PRESENCE(null, ServerFrame.Presence.class),
    CONVERSATION_OFFERED(null, ServerFrame.ConversationOffered.class),
    CONVERSATION_ASSIGNED(null, ServerFrame.ConversationAssigned.class),
    CONVERSATION_TRANSFERRED(null, ServerFrame.ConversationTransferred.class),
    CONVERSATION_ENDED(null, ServerFrame.ConversationEnded.class),
    OFFER_WITHDRAWN(null, ServerFrame.OfferWithdrawn.class),
    AGENT_JOINED(null, ServerFrame.AgentJoined.class),
    QUEUE_POSITION(null, ServerFrame.QueuePosition.class),
    WATCH_QUEUES(ClientFrame.WatchQueues.class, null),
    QUEUES(null, ServerFrame.Queues.class),
    // routing end
    // calls
    CALL_INVITE(ClientFrame.CallInvite.class, null),
    CALL_ACCEPT(ClientFrame.CallAccept.class, null),
    CALL_DECLINE(ClientFrame.CallDecline.class, null),
    CALL_HANGUP(ClientFrame.CallHangup.class, null),
    CALL_HOLD(ClientFrame.CallHold.class, null),
    CALL_MUTE(ClientFrame.CallMute.class, null),
    CALL_ATTACH(ClientFrame.CallAttach.class, null),
    CALL_REPORT(ClientFrame.CallReport.class, null),
    CALL_SIGNAL(ClientFrame.CallSignal.class, ServerFrame.CallSignal.class),
    CALL(null, ServerFrame.CallFrame.class);
    // calls end

    private final String wire = name().toLowerCase(Locale.ROOT);
    private final Class<? extends ClientFrame> client;
    private final Class<? extends ServerFrame> server;

    Op(Class<? extends ClientFrame> client, Class<? extends ServerFrame> server) {
        this.client = client;
        this.server = server;
    }

    private static final Map<String, Op> BY_WIRE = Arrays.stream(values()).collect(Collectors.toMap(Op::wire, Function.identity()));
    private static final Map<Class<?>, Op> BY_CLASS = Arrays.stream(values())
            .flatMap(op -> Stream.of(op.client, op.server).filter(Objects::nonNull).map(c -> Map.entry(c, op)))
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));

    /** The op's name in frames ({@code "op":"start_conversation"}). */
    public String wire() {
        return wire;
    }

    /** The record a client sends under this op, if clients may send it. */
    public Optional<Class<? extends ClientFrame>> clientFrame() {
        return Optional.ofNullable(client);
    }

    /** The record the server sends under this op, if the server sends it. */
    public Optional<Class<? extends ServerFrame>> serverFrame() {
        return Optional.ofNullable(server);
    }

    public static Optional<Op> ofWire(String wire) {
        return Optional.ofNullable(BY_WIRE.get(wire));
    }

    public static Op of(ClientFrame frame) {
        return BY_CLASS.get(frame.getClass());
    }

    public static Op of(ServerFrame frame) {
        return BY_CLASS.get(frame.getClass());
    }

    /** The wire names of the ops a client may send, in declaration order (for error messages). */
    public static List<String> clientOps() {
        return Arrays.stream(values()).filter(op -> op.client != null).map(Op::wire).toList();
    }
}
