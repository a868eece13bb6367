package org.deskframe.cluster.internal;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.deskframe.cluster.PrincipalFanout;
import org.deskframe.cluster.PrincipalKey;
import org.deskframe.cluster.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link PrincipalFanout} over the bus: every other node receives the frame and offers it to its local sessions. */
final class BusFanout implements PrincipalFanout {

    private static final Logger log = LoggerFactory.getLogger(BusFanout.class);

    private final NodeBus bus;
    private final List<LocalSessions> locals = new CopyOnWriteArrayList<>();

    BusFanout(NodeBus bus) {
        this.bus = bus;
        bus.subscribe(ControlMessages.FrameForPrincipals.class, m -> {
            List<PrincipalKey> principals = m.principals().stream().map(PrincipalKey::of).toList();
            for (LocalSessions l : locals) {
                try {
                    l.deliver(principals, m.frame(), m.audience());
                } catch (RuntimeException e) {
                    log.warn("cluster: local delivery of a frame from another node failed", e);
                }
            }
        });
    }

    @Override
    public boolean deliver(Collection<PrincipalKey> principals, String frame, String audience) {
        if (principals.isEmpty()) return true;
        return bus.publish(new ControlMessages.FrameForPrincipals(principals.stream().map(PrincipalKey::value).distinct().toList(),
                frame, audience));
    }

    @Override
    public Subscription onFrame(LocalSessions sessions) {
        locals.add(sessions);
        return () -> locals.remove(sessions);
    }
}
