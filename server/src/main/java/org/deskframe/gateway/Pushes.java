package org.deskframe.gateway;

import java.util.Collection;
import org.deskframe.identity.Scope;
import org.deskframe.protocol.ServerFrame;

/**
 * Sends a frame to every open session of some principals, on this node and (scaled out) on every other node: at most
 * once per session, each session only while it may receive {@code required}. Best effort across nodes: a client that
 * missed a push catches up on its next resume, so only what a resume restores may travel this way.
 */
public interface Pushes {

    void push(Collection<String> principalKeys, ServerFrame frame, Scope required, GatewaySession except);
}
