package org.deskframe.routing.internal;

import org.deskframe.identity.DemoSettings;
import org.deskframe.routing.QueueRouting;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** In demo mode, the demo queue {@code demo-support} routes to agent1 and agent2 (after identity seeded them). */
@Component
class RoutingDemoSeed {

    private final QueueRouting routing;
    private final DemoSettings demo;

    RoutingDemoSeed(QueueRouting routing, DemoSettings demo) {
        this.routing = routing;
        this.demo = demo;
    }

    @EventListener(ApplicationReadyEvent.class)
    void seed() {
        if (!demo.enabled()) return;
        routing.addMember("demo", "demo-support", "agent1");
        routing.addMember("demo", "demo-support", "agent2");
    }
}
