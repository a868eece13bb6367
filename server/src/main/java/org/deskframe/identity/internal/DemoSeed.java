package org.deskframe.identity.internal;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Set;
import org.deskframe.identity.AgentDirectory;
import org.deskframe.identity.ClientDirectory;
import org.deskframe.identity.ClientDirectory.ClientRegistration;
import org.deskframe.identity.DemoSettings;
import org.deskframe.identity.IdentitySettings;
import org.deskframe.identity.OAuthClient;
import org.deskframe.identity.OrgDirectory;
import org.deskframe.identity.QueueDirectory;
import org.deskframe.identity.RegionSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Seeds the bootstrap admin client (when configured) and, in demo mode, the demo organisations, agents and clients,
 * idempotently, then prints what a person needs to try Deskframe. The fixed demo secrets exist only in demo mode.
 */
@Component
class DemoSeed {

    private static final Logger log = LoggerFactory.getLogger(DemoSeed.class);
    static final String DEMO_SECRET_SUFFIX = "-secret-0123456789abcdef";

    private final OrgDirectory orgs;
    private final AgentDirectory agents;
    private final ClientDirectory clients;
    private final QueueDirectory queues;
    private final DemoSettings demo;
    private final IdentitySettings identity;
    private final RegionSettings region;

    DemoSeed(OrgDirectory orgs, AgentDirectory agents, ClientDirectory clients, QueueDirectory queues, DemoSettings demo,
             IdentitySettings identity, RegionSettings region) {
        this.orgs = orgs;
        this.agents = agents;
        this.clients = clients;
        this.queues = queues;
        this.demo = demo;
        this.identity = identity;
        this.region = region;
        seed();
    }

    private void seed() {
        String adminId = identity.bootstrapAdminClientId();
        String adminSecret = identity.bootstrapAdminClientSecret();
        boolean generated = false;
        if ((adminId == null || adminId.isBlank()) && demo.enabled()) {
            adminId = "deskframe-admin";
        }
        if (adminId != null && !adminId.isBlank()) {
            if (adminSecret == null || adminSecret.isBlank()) {
                byte[] random = new byte[24];
                new SecureRandom().nextBytes(random);
                adminSecret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
                generated = true;
            }
            if (clients.find(adminId).isEmpty()) {
                clients.register(new ClientRegistration(adminId, null, "Deployment administrator", null, false,
                        Set.of("client_secret_basic", "client_secret_post"), Set.of("client_credentials"), Set.of(), Set.of("admin", "metrics:read"),
                        Set.of(), Set.of(), null, Duration.ofMinutes(15), Duration.ofHours(1), true));
            } else if (!clients.find(adminId).get().scopes().contains("metrics:read")) {
                // Deployments created before metrics existed: their admin client may read them too.
                Set<String> scopes = new java.util.HashSet<>(clients.find(adminId).get().scopes());
                scopes.add("metrics:read");
                clients.update(adminId, new ClientDirectory.ClientChange(null, null, null, scopes, null, null, null, null, null, null));
            }
            // A configured secret was chosen by a person: its entropy is unknown, so it keeps BCrypt.
            if (generated) {
                clients.setSecret(adminId, adminSecret, false);
            } else {
                clients.setChosenSecret(adminId, adminSecret);
            }
            bootstrapAdmin = adminId + (generated ? " / " + adminSecret + " (generated for this run)" : " (secret from configuration)");
        }
        if (!demo.enabled()) return;

        org("demo", "Demo Org");
        org("acme", "Acme Inc");
        agent("agent1", "demo", "Agent One");
        agent("agent2", "demo", "Agent Two");
        agent("acme-agent1", "acme", "Acme Agent One");
        if (queues.find("demo-support").isEmpty()) queues.create("demo-support", "demo", "Support");
        if (queues.find("acme-support").isEmpty()) queues.create("acme-support", "acme", "Support");

        Set<String> widgetScopes = Set.of("messaging:read", "messaging:write", "voice", "video", "presence", "agents:read",
                "routing:read", "supervisor:read");
        Set<String> backendGrants = Set.of(OAuthClient.GRANT_JWT_BEARER, "client_credentials", "authorization_code", "refresh_token");
        backend("demo-backend", "demo", "Demo agent desktop backend", backendGrants, widgetScopes, Set.of(OAuthClient.CAPABILITY_EMBED));
        backend("demo-noembed", "demo", "Demo backend without embed", backendGrants, widgetScopes, Set.of());
        backend("acme-backend", "acme", "Acme agent desktop backend", backendGrants, widgetScopes, Set.of(OAuthClient.CAPABILITY_EMBED));
        backend("demo-admin", "demo", "Demo org administrator", Set.of("client_credentials"), Set.of("admin"), Set.of());
    }

    private String bootstrapAdmin;

    private void org(String id, String name) {
        if (orgs.find(id).isEmpty()) orgs.create(id, name);
    }

    private void agent(String username, String org, String name) {
        if (agents.findByUsername(username).isEmpty()) {
            agents.create(new AgentDirectory.NewAgent(username, org, username, username + "@" + org + ".example", name,
                    demoPassword(username), Set.of("agent"), true));
        }
    }

    static String demoPassword(String username) {
        return DemoSettings.agentPassword(username);
    }

    private void backend(String id, String org, String name, Set<String> grants, Set<String> scopes, Set<String> caps) {
        Set<String> origins = demoOrigins();
        Set<String> redirects = Set.of(demo.desktopUrl() + "/oauth/callback", region.publicUrl() + "/demo/callback");
        if (clients.find(id).isEmpty()) {
            clients.register(new ClientRegistration(id, org, name, id + DEMO_SECRET_SUFFIX, true,
                    Set.of("client_secret_basic", "client_secret_post"), grants, redirects, scopes,
                    caps.isEmpty() && !grants.contains(OAuthClient.GRANT_JWT_BEARER) ? Set.of() : origins, caps, null,
                    Duration.ofMinutes(15), Duration.ofHours(8), true));
        } else if (grants.contains(OAuthClient.GRANT_JWT_BEARER)) {
            // Keep the allowed origins in step with the configuration (extra origins may change between runs), and the
            // allowed scopes with the demo's (a data dir from before agents:read existed gets it).
            clients.update(id, new ClientDirectory.ClientChange(null, null, redirects, scopes, origins, null, null, null, null, null));
        }
    }

    private Set<String> demoOrigins() {
        Set<String> origins = new LinkedHashSet<>();
        origins.addAll(region.platformOrigins());
        origins.addAll(RegionSettings.withLoopbackTwin(demo.desktopUrl()));
        origins.addAll(demo.extraOrigins());
        return origins;
    }

    @EventListener(ApplicationReadyEvent.class)
    void printWelcome() {
        StringBuilder s = new StringBuilder("\n\n  Deskframe is ready (region ").append(region.id()).append(")\n");
        s.append("  Platform:      ").append(region.publicUrl()).append('\n');
        s.append("  Health:        ").append(region.publicUrl()).append("/actuator/health\n");
        s.append("  API docs:      ").append(region.publicUrl()).append("/swagger-ui.html\n");
        s.append("  Discovery:     ").append(region.publicUrl()).append("/.well-known/oauth-authorization-server\n");
        if (bootstrapAdmin != null) s.append("  Deployment admin client: ").append(bootstrapAdmin).append('\n');
        if (demo.enabled()) {
            s.append("  Demo mode (fixed demo credentials - never use demo mode in production):\n");
            s.append("    orgs: demo, acme   agents (username / password): agent1 / ").append(demoPassword("agent1"))
                    .append(", agent2 / ").append(demoPassword("agent2")).append(" (demo); acme-agent1 / ")
                    .append(demoPassword("acme-agent1")).append(" (acme)\n");
            s.append("    clients: demo-backend, demo-noembed, acme-backend (jwt-bearer, client_credentials, code+PKCE, refresh),\n");
            s.append("             demo-admin (client_credentials, scope admin, org demo); secret of each: <client id>")
                    .append(DEMO_SECRET_SUFFIX).append('\n');
            s.append("    allowed embedding origins: ").append(String.join(" ", demoOrigins())).append('\n');
        }
        log.info(s.toString());
    }
}
