package org.deskframe.gateway;

import java.util.Collection;
import java.util.List;
import org.deskframe.cluster.PrincipalFanout;
import org.deskframe.cluster.PrincipalKey;
import org.deskframe.identity.Scope;
import org.deskframe.protocol.FrameCodec;
import org.deskframe.protocol.ServerFrame;
import org.springframework.stereotype.Component;

/**
 * {@link Pushes}: this node's sessions directly, other nodes' through the cluster's fan-out, which hands them back to
 * each node's {@link #deliver}. The scope a session must hold travels with the frame as its audience.
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

    /** Frames from other nodes. */
    @Override
    public void deliver(List<PrincipalKey> principals, String frame, String audience) {
        deliver(principals, frame, Scope.valueOf(audience), null);
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
