package org.deskframe.guest.internal;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.deskframe.guest.GuestSettings;
import org.deskframe.guest.MessengerDeployments;
import org.deskframe.identity.DemoSettings;
import org.deskframe.identity.QueueDirectory;
import org.deskframe.identity.RegionSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * The demo deployment {@code demo-web} (org demo, queue demo-support), seeded after identity's demo data. Like the
 * demo OAuth clients it allows the demo origins (the platform, the example desktop, deskframe.demo.extra-origins),
 * plus the demo customer site; the origins follow the configuration on every start.
 */
@Component
class DemoMessenger implements SmartInitializingSingleton {

    static final String ID = "demo-web";
    private static final Logger log = LoggerFactory.getLogger(DemoMessenger.class);

    private final MessengerDeployments deployments;
    private final QueueDirectory queues;
    private final DemoSettings demo;
    private final RegionSettings region;
    private final GuestSettings guest;

    DemoMessenger(MessengerDeployments deployments, QueueDirectory queues, DemoSettings demo, RegionSettings region, GuestSettings guest) {
        this.deployments = deployments;
        this.queues = queues;
        this.demo = demo;
        this.region = region;
        this.guest = guest;
    }

    @Override
    public void afterSingletonsInstantiated() {
        if (!demo.enabled() || queues.find("demo-support").filter(q -> q.orgId().equals("demo")).isEmpty()) return;
        Set<String> origins = new LinkedHashSet<>(region.platformOrigins());
        origins.addAll(RegionSettings.withLoopbackTwin(demo.desktopUrl()));
        origins.addAll(RegionSettings.withLoopbackTwin(guest.demoSiteUrl()));
        origins.addAll(demo.extraOrigins());
        var definition = new MessengerDeployments.Definition(ID, "Demo web messenger", List.copyOf(origins), "demo-support",
                "Hi! Thanks for reaching out to the Deskframe demo team. An agent will be with you shortly.", null, null,
                List.of("name", "email"), null, null, false);
        if (deployments.find(ID).isEmpty()) deployments.create("demo", definition);
        else deployments.update(ID, definition);
        log.info("Demo messenger deployment {} allows {}", ID, String.join(" ", origins));
    }
}
