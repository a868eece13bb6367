package org.deskframe.gateway;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.deskframe.identity.Scope;
import org.deskframe.identity.Widget;
import org.deskframe.protocol.ServerFrame;
import org.deskframe.tokens.VerifiedToken;

/**
 * One open, authenticated gateway session, as the capabilities that handle its ops see it. Sends never block (they
 * queue in the transport, in call order); a reader too slow for the send buffer is closed by the gateway
 * ({@code session.slow_consumer}). Pushes that must keep an order with each other, or not overtake {@code ready},
 * are sent while holding the session object's monitor ({@code synchronized (session)}), as the gateway sends
 * {@code ready} under it.
 */
public interface GatewaySession {

    String id();

    Principal principal();

    Widget widget();

    /** The session's current token; an in-place refresh replaces it. */
    VerifiedToken token();

    /** Throws {@code token.scope_missing} (with the exact hint) unless the session's token has {@code scope}. */
    void requireScope(Scope scope, String what);

    /** True while the session is ready and its token has {@code scope}: pushes needing it may be sent. */
    boolean mayReceive(Scope scope);

    /** Sends a frame; false if the session is gone. */
    boolean send(ServerFrame frame);

    /** Sends an already encoded frame (the same frame to many sessions is encoded once). */
    boolean send(String encodedFrame);

    /**
     * One frame of a bulk run (a replay): waits, for a bounded time, for a reader that is behind instead of counting
     * it as a slow consumer at once. Only from threads that may wait (the gateway runs handlers on virtual threads).
     */
    boolean sendPaced(ServerFrame frame);

    /** This session's value of a capability's per-session state, created on first use. */
    <T> T attachment(Attachment<T> key);

    /**
     * A kind of per-session state a capability keeps on the session (messaging: its delivery cursors). Created only when
     * first used, so an idle session that never needs it carries nothing.
     */
    final class Attachment<T> {
        private static final AtomicInteger NEXT = new AtomicInteger();
        final int index = NEXT.getAndIncrement();
        final Supplier<T> initial;

        private Attachment(Supplier<T> initial) {
            this.initial = initial;
        }

        public static <T> Attachment<T> of(Supplier<T> initial) {
            return new Attachment<>(initial);
        }
    }
}
