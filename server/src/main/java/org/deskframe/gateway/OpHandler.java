package org.deskframe.gateway;

import java.util.function.BiConsumer;
import org.deskframe.protocol.ClientFrame;

/**
 * What a capability does with one op of the protocol; the gateway dispatches each decoded frame of an authenticated
 * session to the one handler registered (as a bean) for its record type. A handler of a command sends exactly one
 * reply echoing the frame's id, or throws a {@link org.deskframe.diagnostics.ProblemException}, which the gateway
 * sends as the {@code error} reply with that id. Handlers run on the session's virtual thread, one frame at a time
 * per session, in arrival order, and may block.
 */
public interface OpHandler<F extends ClientFrame> {

    Class<F> frame();

    void handle(GatewaySession session, F frame);

    static <F extends ClientFrame> OpHandler<F> of(Class<F> frame, BiConsumer<GatewaySession, F> handler) {
        return new OpHandler<>() {
            @Override
            public Class<F> frame() {
                return frame;
            }

            @Override
            public void handle(GatewaySession session, F f) {
                handler.accept(session, f);
            }
        };
    }
}
