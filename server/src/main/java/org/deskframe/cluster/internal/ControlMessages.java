package org.deskframe.cluster.internal;

import java.util.List;
import org.deskframe.cluster.ClusterMessage;

/** The wire types of control and fan-out (their names and fields are a contract between node versions). */
final class ControlMessages {

    private ControlMessages() {}

    /** Close every session of {@code principal}; {@code reason} is an {@code ErrorCode} constant's name. */
    @ClusterMessage.Name("control.disconnect")
    record DisconnectRequested(String principal, String reason) implements ClusterMessage {}

    /** Close every session holding one of these tokens ({@code jti}). */
    @ClusterMessage.Name("control.tokens_revoked")
    record TokensRevoked(List<String> tokenIds) implements ClusterMessage {}

    /** Durable access records changed: read them now. */
    @ClusterMessage.Name("control.access_changed")
    record AccessChanged() implements ClusterMessage {}

    /** A protocol frame for these principals' sessions on the receiving node. */
    @ClusterMessage.Name("fanout.frame")
    record FrameForPrincipals(List<String> principals, String frame, String audience) implements ClusterMessage {}
}
