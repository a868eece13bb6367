package org.deskframe.gateway;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.deskframe.identity.Scope;
import org.deskframe.protocol.FrameCodec;
import org.deskframe.protocol.ServerFrame;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/** {@link Pushes}: this node's sessions directly, other nodes' through the cluster fan-out. */
@Component
class LocalPushes implements Pushes {

    private final SessionRegistry registry;
    private final ApplicationEventPublisher events;

    LocalPushes(SessionRegistry registry, ApplicationEventPublisher events) {
        this.registry = registry;
        this.events = events;
    }

    @Override
    public void push(Collection<String> principalKeys, ServerFrame frame, Scope required, GatewaySession except) {
        String encoded = FrameCodec.encode(frame);
        List<String> keys = new ArrayList<>(principalKeys);
        deliver(keys, required, encoded, except);
        events.publishEvent(new ClusterFrame(keys, required.name(), encoded));
    }

    /** This node's sessions of these principals that may receive {@code required}, but {@code except}. */
    void deliver(List<String> principalKeys, Scope required, String encoded, GatewaySession except) {
        for (String key : principalKeys) {
            for (StreamSession s : registry.of(key)) {
                if (s == except) continue;
                synchronized (s) {
                    if (s.mayReceive(required)) s.send(encoded);
                }
            }
        }
    }
}
