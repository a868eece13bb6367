package org.deskframe.gateway;

import org.deskframe.protocol.ClientFrame;

/**
 * A capability's part in a session's life (beans of this type are called in no particular order). The authenticate
 * frame is passed on because it may carry a capability's own fields (messaging's {@code resume} positions).
 */
public interface SessionListener {

    /** The handshake passed; {@code ready} is not sent yet, and the session receives no pushes until it is. */
    default void authenticated(GatewaySession session, ClientFrame.Authenticate frame) {}

    /** {@code ready} was sent; pushes flow. */
    default void ready(GatewaySession session, ClientFrame.Authenticate frame) {}

    default void closed(GatewaySession session) {}
}
