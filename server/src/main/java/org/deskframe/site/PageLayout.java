package org.deskframe.site;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import org.deskframe.diagnostics.Problem;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.util.HtmlUtils;

/**
 * The frame every platform page shares: its title, the top bar (the platform's name, who is signed in, sign-in or
 * sign-out), one {@code h1}, and the stylesheet. Every value goes through {@link HtmlUtils#htmlEscape}.
 */
final class PageLayout {

    static final MediaType HTML = new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8);

    private PageLayout() {}

    static String esc(Object value) {
        return HtmlUtils.htmlEscape(String.valueOf(value));
    }

    /** A page: {@code body} is HTML already escaped by the caller; {@code heading} becomes the page's one h1. */
    static ResponseEntity<String> page(HttpStatusCode status, HttpServletRequest request, String title, String heading,
                                       String body) {
        Principal user = request.getUserPrincipal();
        String account;
        if (user != null) {
            account = """
                    <span class="who">Signed in as <b>%s</b></span>
                    <form method="post" action="/logout">%s<button type="submit">Sign out</button></form>"""
                    .formatted(esc(user.getName()), csrfField(request));
        } else {
            account = "<a href=\"/login\">Sign in</a>";
        }
        String html = """
                <!doctype html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>%s · Deskframe</title>
                <link rel="stylesheet" href="/site/site.css">
                </head>
                <body>
                <header class="top"><a href="/">Deskframe</a><div>%s</div></header>
                <main>
                <h1>%s</h1>
                %s
                </main>
                </body>
                </html>
                """.formatted(esc(title), account, esc(heading), body);
        return ResponseEntity.status(status).contentType(HTML).cacheControl(CacheControl.noStore())
                .header("X-Content-Type-Options", "nosniff").body(html);
    }

    /** The hidden CSRF field for a form that posts to the sign-in chain. */
    static String csrfField(HttpServletRequest request) {
        CsrfToken token = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
        return token == null ? "" : "<input type=\"hidden\" name=\"%s\" value=\"%s\">".formatted(esc(token.getParameterName()),
                esc(token.getToken()));
    }

    /** A catalogue problem as people read it: message, fix and code, announced as an alert. */
    static String alert(Problem problem) {
        return """
                <div class="alert" role="alert" data-code="%s">
                <p class="message">%s</p>
                <p class="hint"><strong>Fix:</strong> %s</p>
                <p class="code">Error code: <code>%s</code></p>
                </div>""".formatted(esc(problem.code()), esc(problem.message()), esc(problem.hint()), esc(problem.code()));
    }
}
