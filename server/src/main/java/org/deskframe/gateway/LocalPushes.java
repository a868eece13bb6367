package org.deskframe.gateway;

import java.util.Collection;
import java.util.List;
import org.deskframe.cluster.PrincipalFanout;
import org.deskframe.cluster.PrincipalKey;
import org.deskframe.identity.Scope;
import org.deskframe.identity.Widget;
import org.deskframe.protocol.FrameCodec;
import org.deskframe.protocol.ServerFrame;
import org.springframework.stereotype.Component;

/**
 * {@link Pushes}: this node's sessions directly, other nodes' through the cluster's fan-out, which hands them back to
 * each node's {@link #deliver}. Who may receive it travels with the frame as its audience: a scope's name, or
 * {@code widget:<WIDGET>}, or {@code session:<id>}.
 */
@Component
class LocalPushes implements Pushes, PrincipalFanout.LocalSessions {

    private final SessionRegistry registry;
    private final PrincipalFanout fanout;

    LocalPushes(SessionRegistry registry, PrincipalFanout fanout) {
        this.registry = registry;
        this.fanout = fanout;
        fanout.onFrame(this);
    }

    @Override
    public void push(Collection<String> principalKeys, ServerFrame frame, Scope required, GatewaySession except) {
        String encoded = FrameCodec.encode(frame);
        List<PrincipalKey> keys = principalKeys.stream().map(PrincipalKey::of).toList();
        deliver(keys, encoded, required, except);
        fanout.deliver(keys, encoded, required.name());
    }

    @Override
    public void push(Collection<String> principalKeys, ServerFrame frame, Widget widget, GatewaySession except) {
        String encoded = FrameCodec.encode(frame);
        List<PrincipalKey> keys = principalKeys.stream().map(PrincipalKey::of).toList();
        deliverToWidget(keys, encoded, widget, except);
        fanout.deliver(keys, encoded, WIDGET + widget.name());
    }

    @Override
    public void pushToSession(String principalKey, String sessionId, String encodedFrame) {
        List<PrincipalKey> keys = List.of(PrincipalKey.of(principalKey));
        if (!deliverToSession(keys, encodedFrame, sessionId)) fanout.deliver(keys, encodedFrame, SESSION + sessionId);
    }

    private static final String WIDGET = "widget:";
    private static final String SESSION = "session:";

    /** Frames from other nodes. */
    @Override
    public void deliver(List<PrincipalKey> principals, String frame, String audience) {
        if (audience.startsWith(WIDGET)) {
            deliverToWidget(principals, frame, Widget.valueOf(audience.substring(WIDGET.length())), null);
        } else if (audience.startsWith(SESSION)) {
            deliverToSession(principals, frame, audience.substring(SESSION.length()));
        } else {
            deliver(principals, frame, Scope.valueOf(audience), null);
        }
    }

    private void deliverToWidget(List<PrincipalKey> principals, String encoded, Widget widget, GatewaySession except) {
        for (PrincipalKey key : principals) {
            for (StreamSession s : registry.of(key.value())) {
                if (s == except || s.widget() != widget) continue;
                synchronized (s) {
                    if (s.mayReceive(widget.requiredScopes().getFirst())) s.send(encoded);
                }
            }
        }
    }

    private boolean deliverToSession(List<PrincipalKey> principals, String encoded, String sessionId) {
        for (PrincipalKey key : principals) {
            for (StreamSession s : registry.of(key.value())) {
                if (!s.id().equals(sessionId)) continue;
                synchronized (s) {
                    s.send(encoded);
                }
                return true;
            }
        }
        return false;
    }

    private void deliver(List<PrincipalKey> principals, String encoded, Scope required, GatewaySession except) {
        for (PrincipalKey key : principals) {
            for (StreamSession s : registry.of(key.value())) {
                if (s == except) continue;
                synchronized (s) {
                    if (s.mayReceive(required)) s.send(encoded);
                }
            }
        }
    }
}
