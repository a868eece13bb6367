package org.deskframe.gateway;

import java.util.Collection;
import org.deskframe.identity.Scope;
import org.deskframe.identity.Widget;
import org.deskframe.protocol.ServerFrame;

/**
 * Sends a frame to every open session of some principals, on this node and (scaled out) on every other node: at most
 * once per session, each session only while it may receive {@code required}. Best effort across nodes: a client that
 * missed a push catches up on its next resume, so only what a resume restores may travel this way.
 */
public interface Pushes {

    void push(Collection<String> principalKeys, ServerFrame frame, Scope required, GatewaySession except);

    /**
     * {@link #push} to the sessions of these principals opened for {@code widget} (while they hold its scope): calls
     * reach the voice or video widget, not every tab of the principal.
     */
    void push(Collection<String> principalKeys, ServerFrame frame, Widget widget, GatewaySession except);

    /**
     * An encoded frame ({@link org.deskframe.protocol.FrameCodec#encode}) to one session of {@code principalKey}, on
     * whichever node holds it (same guarantees as {@link #push}).
     */
    void pushToSession(String principalKey, String sessionId, String encodedFrame);
}
