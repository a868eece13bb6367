package org.deskframe.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.deskframe.diagnostics.Problem;
import org.deskframe.identity.Widget;
import org.springframework.stereotype.Component;

/**
 * What the gateway counts for operators (docs/observability.md): handshakes and in-place refreshes by outcome and by
 * catalogue code, so a failure such as the seed scenario's {@code token.scope_missing} is a line on a graph with its
 * cause in the label, and the open sessions of this node by widget. Tags only take catalogue codes and known widget
 * ids, never what a client wrote, so their number stays bounded.
 */
@Component
class GatewayMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    GatewayMetrics(MeterRegistry registry, SessionRegistry sessions) {
        this.registry = registry;
        for (Widget w : Widget.values()) {
            Gauge.builder("deskframe.gateway.sessions", sessions, s -> count(s, w))
                    .description("Authenticated gateway sessions open on this node").tag("widget", w.id()).register(registry);
        }
    }

    private static double count(SessionRegistry sessions, Widget widget) {
        long n = 0;
        for (StreamSession s : sessions.all()) {
            if (s.state == StreamSession.State.READY && s.widget == widget) n++;
        }
        return n;
    }

    void handshakeReady(Widget widget) {
        counter("deskframe.gateway.handshakes", "ready", "none", widget.id()).increment();
    }

    void handshakeRefused(String claimedWidget, Problem problem) {
        String widget = claimedWidget == null ? "unknown" : Widget.of(claimedWidget).map(Widget::id).orElse("unknown");
        counter("deskframe.gateway.handshakes", "refused", problem.code(), widget).increment();
    }

    void refreshed(Widget widget) {
        counter("deskframe.gateway.refreshes", "ok", "none", widget.id()).increment();
    }

    void refreshRefused(Widget widget, Problem problem) {
        counter("deskframe.gateway.refreshes", "refused", problem.code(), widget == null ? "unknown" : widget.id()).increment();
    }

    private Counter counter(String name, String outcome, String code, String widget) {
        return counters.computeIfAbsent(name + '|' + outcome + '|' + code + '|' + widget, k -> Counter.builder(name)
                .description(name.endsWith("handshakes") ? "Gateway handshakes by outcome and catalogue code"
                        : "In-place token refreshes by outcome and catalogue code")
                .tag("outcome", outcome).tag("code", code).tag("widget", widget).register(registry));
    }
}
