package org.deskframe.embed;

import java.nio.charset.StandardCharsets;
import org.deskframe.diagnostics.Problem;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.util.HtmlUtils;

/**
 * What the pages served into iframes share (the agents' widgets and the customer's messenger panel): their CSP (their
 * own scripts, this origin and the gateway, framed only by {@code frameAncestors}), their headers, and the page that
 * says why one cannot be shown.
 */
final class FramedPages {

    private FramedPages() {}

    /**
     * The page may connect to its own origin (history and attachments API) and to the gateway, nowhere else; images
     * also from blob: URLs (attachments fetched with the token, shown without a token in any URL).
     */
    static String policy(String streamUrl, String frameAncestors) {
        java.net.URI stream = java.net.URI.create(streamUrl);
        String gatewayOrigin = stream.getScheme() + "://" + stream.getRawAuthority();
        return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob: mediastream:; connect-src 'self' " + gatewayOrigin
                + "; base-uri 'none'; form-action 'none'; frame-ancestors " + frameAncestors;
    }

    /**
     * The page itself: it announces the gateway, loads {@code widgets/<script>} and its styles, and holds nothing but a
     * loading line in {@code <main>} (its script takes it from there). {@code mainAttributes} are already escaped.
     */
    static String shell(String streamUrl, String title, String script, String extraStylesheet, String mainAttributes) {
        String styles = "<link rel=\"stylesheet\" href=\"/embed/v1/widgets/widget.css\">\n"
                + (extraStylesheet == null ? "" : "<link rel=\"stylesheet\" href=\"/embed/v1/widgets/" + extraStylesheet + "\">\n");
        return """
                <!doctype html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <meta name="deskframe-gateway" content="%s">
                <title>%s</title>
                %s<script type="module" src="/embed/v1/widgets/%s"></script>
                </head>
                <body>
                <main id="app" %s aria-busy="true">
                <p class="df-loading" role="status">Loading…</p>
                </main>
                </body>
                </html>
                """.formatted(HtmlUtils.htmlEscape(streamUrl), HtmlUtils.htmlEscape(title), styles, script, mainAttributes);
    }

    static ResponseEntity<String> page(String html, String streamUrl, String frameAncestors) {
        return ResponseEntity.ok()
                .header("Content-Security-Policy", policy(streamUrl, frameAncestors))
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .cacheControl(CacheControl.noCache())
                .contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
                .body(html);
    }

    /** The catalogue's message, fix and code, framed by no one. {@code what}: "widget", "messenger". */
    static ResponseEntity<String> error(HttpStatus status, Problem problem, String streamUrl, String what) {
        String page = """
                <!doctype html>
                <html lang="en">
                <head><meta charset="utf-8"><title>Deskframe %s unavailable</title>
                <link rel="stylesheet" href="/embed/v1/widgets/widget.css"></head>
                <body>
                <main class="df-widget">
                <section class="df-error" role="alert">
                <h1>This %s cannot be shown</h1>
                <p class="df-error-message">%s</p>
                <p class="df-error-hint"><strong>Fix:</strong> %s</p>
                <p class="df-error-code">Error code: <code>%s</code></p>
                </section>
                </main>
                </body>
                </html>
                """.formatted(what, what, HtmlUtils.htmlEscape(problem.message()), HtmlUtils.htmlEscape(problem.hint()),
                HtmlUtils.htmlEscape(problem.code()));
        return ResponseEntity.status(status)
                .header("Content-Security-Policy", policy(streamUrl, "'none'"))
                .header("X-Content-Type-Options", "nosniff")
                .header("X-Deskframe-Error", problem.code())
                .cacheControl(CacheControl.noStore())
                .contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
                .body(page);
    }
}
