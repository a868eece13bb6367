package org.deskframe.cluster.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.deskframe.cluster.ClusterControl;
import org.deskframe.cluster.PrincipalKey;
import org.deskframe.cluster.Subscription;
import org.deskframe.diagnostics.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link ClusterControl} over the bus: applied here on the cluster thread, published to every other node. */
final class BusControl implements ClusterControl {

    private static final Logger log = LoggerFactory.getLogger(BusControl.class);
    /** Added before a loss's start: the durable records carry other nodes' clocks. */
    static final Duration CLOCK_MARGIN = Duration.ofSeconds(5);
    private static final int TOKENS_PER_MESSAGE = 500;

    private final NodeBus bus;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Set<String> unknownReasons = ConcurrentHashMap.newKeySet();

    BusControl(NodeBus bus) {
        this.bus = bus;
        bus.subscribe(ControlMessages.DisconnectRequested.class, m -> disconnectHere(PrincipalKey.of(m.principal()), reason(m.reason())));
        bus.subscribe(ControlMessages.TokensRevoked.class, m -> revokedHere(new LinkedHashSet<>(m.tokenIds())));
        bus.subscribe(ControlMessages.AccessChanged.class, m -> accessChangedHere());
        bus.onLoss(since -> {
            Instant from = since.minus(CLOCK_MARGIN);
            log.info("cluster: this node may have missed control requests since {}: checking the durable records from {}", since, from);
            for (Listener l : listeners) {
                try {
                    l.resynchronize(from);
                } catch (RuntimeException e) {
                    log.warn("cluster: a control listener failed to resynchronize", e);
                }
            }
        });
    }

    @Override
    public boolean disconnect(PrincipalKey principal, ErrorCode reason) {
        bus.runOnClusterThread(() -> disconnectHere(principal, reason));
        return bus.publish(new ControlMessages.DisconnectRequested(principal.value(), reason.name()));
    }

    @Override
    public boolean tokensRevoked(Collection<String> tokenIds) {
        List<String> ids = List.copyOf(new LinkedHashSet<>(tokenIds));
        if (ids.isEmpty()) return true;
        bus.runOnClusterThread(() -> revokedHere(new LinkedHashSet<>(ids)));
        boolean all = true;
        for (int i = 0; i < ids.size(); i += TOKENS_PER_MESSAGE) {
            all &= bus.publish(new ControlMessages.TokensRevoked(new ArrayList<>(ids.subList(i, Math.min(ids.size(), i + TOKENS_PER_MESSAGE)))));
        }
        return all;
    }

    @Override
    public boolean accessChanged() {
        bus.runOnClusterThread(this::accessChangedHere);
        return bus.publish(new ControlMessages.AccessChanged());
    }

    @Override
    public Subscription listen(Listener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private void disconnectHere(PrincipalKey principal, ErrorCode reason) {
        for (Listener l : listeners) {
            try {
                l.disconnect(principal, reason);
            } catch (RuntimeException e) {
                log.warn("cluster: a control listener failed to disconnect {}", principal, e);
            }
        }
    }

    private void revokedHere(Set<String> tokenIds) {
        for (Listener l : listeners) {
            try {
                l.tokensRevoked(tokenIds);
            } catch (RuntimeException e) {
                log.warn("cluster: a control listener failed to close sessions of revoked tokens", e);
            }
        }
    }

    private void accessChangedHere() {
        for (Listener l : listeners) {
            try {
                l.accessChanged();
            } catch (RuntimeException e) {
                log.warn("cluster: a control listener failed to read changed access records", e);
            }
        }
    }

    private ErrorCode reason(String name) {
        try {
            return ErrorCode.valueOf(name);
        } catch (IllegalArgumentException | NullPointerException e) {
            if (unknownReasons.size() < 64 && unknownReasons.add(String.valueOf(name))) {
                log.info("cluster: disconnect reason '{}' is unknown to this node (a newer node sent it): sessions close with"
                        + " server.restarting and their handshake names the cause; logged once", name);
            }
            return ErrorCode.SERVER_RESTARTING;
        }
    }
}
