package org.deskframe.site;

import static org.deskframe.site.PageLayout.esc;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.Problem;
import org.deskframe.gateway.GatewayEndpoint;
import org.deskframe.guest.GuestSettings;
import org.deskframe.identity.DemoSettings;
import org.deskframe.identity.RegionSettings;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The platform's front page (what this deployment is, its region and issuer, where to start, and in demo mode the
 * demo desktop and credentials) and the agents' sign-in page, whose refusals are catalogue problems.
 */
@RestController
class SitePages {

    private final RegionSettings region;
    private final DemoSettings demo;
    private final GatewayEndpoint gateway;
    private final GuestSettings guest;
    private final byte[] css;

    SitePages(RegionSettings region, DemoSettings demo, GatewayEndpoint gateway, GuestSettings guest) {
        this.region = region;
        this.demo = demo;
        this.gateway = gateway;
        this.guest = guest;
        try (InputStream in = new ClassPathResource("site/site.css").getInputStream()) {
            this.css = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @GetMapping(value = "/", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<String> front(HttpServletRequest request) {
        String stream = gateway.streamUrl(request.getScheme(), request.getServerName());
        StringBuilder body = new StringBuilder();
        body.append("""
                <p>This is a <strong>Deskframe</strong> deployment: contact-center messaging, voice and video widgets that
                a team embeds in its own agent desktop, with OAuth tokens its own backend manages.</p>
                <section class="card" aria-labelledby="this-deployment">
                <h2 id="this-deployment">This deployment</h2>
                <dl>
                <dt>Region</dt><dd><code>%s</code></dd>
                <dt>Issuer</dt><dd><code>%s</code> — the <code>env</code> of <code>EmbeddingClient</code>, the <code>--env</code> of <code>deskframe doctor</code>, the <code>iss</code> of its tokens</dd>
                <dt>Widget gateway</dt><dd><code>%s</code></dd>
                <dt>Client module</dt><dd><code>%s/embed/v1/deskframe.js</code></dd>
                </dl>
                </section>
                <section class="card" aria-labelledby="start-here">
                <h2 id="start-here">Start here</h2>
                <ul class="links">
                <li><a href="/docs/getting-started.md">Getting started</a></li>
                <li><a href="/docs/embedding.md">Embedding the widgets</a></li>
                <li><a href="/docs/errors.md">Error catalogue</a></li>
                <li><a href="/docs/doctor.md">deskframe doctor</a></li>
                <li><a href="/docs/oauth.md">OAuth and tokens</a></li>
                <li><a href="/docs/">All documentation</a></li>
                <li><a href="/swagger-ui.html">API reference (OpenAPI)</a></li>
                <li><a href="/.well-known/oauth-authorization-server">OAuth metadata</a></li>
                <li><a href="/actuator/health">Health</a></li>
                </ul>
                </section>
                """.formatted(esc(region.id()), esc(region.issuer()), esc(stream), esc(region.publicUrl())));
        if (demo.enabled()) {
            body.append("""
                    <section class="card" aria-labelledby="demo">
                    <h2 id="demo">Demo mode</h2>
                    <p>This deployment runs with fixed demo credentials: never use demo mode in production.</p>
                    <ul>
                    <li><a href="%s">The example agent desktop</a> (an integrator's own app on its own origin, if it runs):
                      sign in as %s, one per browser profile, and message between them.</li>
                    <li><a href="%s">The demo customer site</a> (a customer's side, on an origin of its own, if it runs):
                      its messenger (deployment demo-web) starts a chat that routing offers to agent1 or agent2.</li>
                    <li>The same agents sign in <a href="/login">here</a> when an application asks Deskframe for access on
                      their behalf (OAuth authorization code flow).</li>
                    </ul>
                    </section>
                    """.formatted(esc(demo.desktopUrl()), demoCredentials(), esc(guest.demoSiteUrl())));
        }
        return PageLayout.page(HttpStatus.OK, request, "Deskframe", "Deskframe at " + region.publicUrl(), body.toString());
    }

    @GetMapping(value = "/login", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<String> signIn(HttpServletRequest request, @RequestParam(required = false) String error,
                                  @RequestParam(required = false) String logout) {
        StringBuilder body = new StringBuilder("<div class=\"signin\">");
        body.append("""
                <p>Agents sign in here when an application asks Deskframe for access on their behalf. Your own agent
                desktop has its own sign-in; this one is Deskframe's.</p>""");
        HttpStatus status = HttpStatus.OK;
        if (error != null) {
            status = HttpStatus.UNAUTHORIZED;
            body.append(PageLayout.alert(Problem.of(ErrorCode.SIGNIN_FAILED, Map.of())));
        } else if (logout != null) {
            body.append("<p class=\"ok\" role=\"status\">You are signed out.</p>");
        }
        body.append("""
                <form method="post" action="/login" class="card">
                %s
                <label for="username">Username <input id="username" name="username" autocomplete="username" required autofocus></label>
                <label for="password">Password <input id="password" name="password" type="password" autocomplete="current-password" required></label>
                <button type="submit">Sign in</button>
                </form>""".formatted(PageLayout.csrfField(request)));
        if (demo.enabled()) {
            body.append("<p class=\"muted\">Demo mode: sign in as ").append(demoCredentials()).append(".</p>");
        }
        body.append("</div>");
        return PageLayout.page(status, request, "Sign in", "Sign in to Deskframe", body.toString());
    }

    @GetMapping("/site/site.css")
    ResponseEntity<byte[]> css() {
        return ResponseEntity.ok().contentType(new MediaType("text", "css", java.nio.charset.StandardCharsets.UTF_8))
                .cacheControl(CacheControl.noCache()).body(css);
    }

    private static String demoCredentials() {
        return String.join(" or ", DemoSettings.AGENTS.stream()
                .map(a -> "<code>" + esc(a) + "</code> / <code>" + esc(DemoSettings.agentPassword(a)) + "</code>").toList());
    }
}
