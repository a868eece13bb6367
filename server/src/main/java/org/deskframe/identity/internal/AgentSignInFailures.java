package org.deskframe.identity.internal;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.deskframe.diagnostics.Problem;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.SimpleUrlAuthenticationFailureHandler;
import org.springframework.web.util.HtmlUtils;

/**
 * Where a failed agent sign-in goes. A throttled account gets 429 with Retry-After and a page naming
 * {@code auth.throttled}, its message and hint (Spring's login page only ever says "Invalid credentials"); any other
 * failure returns to the login form without saying whether the username or the password was wrong.
 */
class AgentSignInFailures implements AuthenticationFailureHandler {

    private final AuthenticationFailureHandler others = new SimpleUrlAuthenticationFailureHandler("/login?error");

    @Override
    public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
                                        AuthenticationException exception) throws IOException, ServletException {
        if (!(exception instanceof Throttled throttled)) {
            others.onAuthenticationFailure(request, response, exception);
            return;
        }
        Problem p = throttled.problem();
        response.setStatus(p.error().httpStatus());
        response.setHeader("Retry-After", Long.toString(throttled.retryAfterSeconds()));
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("text/html;charset=UTF-8");
        String page = """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <title>Sign-in paused · Deskframe</title><link rel="stylesheet" href="/site/site.css"></head>
                <body><header class="top"><a href="/">Deskframe</a><div><a href="/login">Sign in</a></div></header>
                <main><h1>Sign-in paused</h1>
                <div class="alert" role="alert" data-code="%s">
                <p class="message">%s</p>
                <p class="hint"><strong>Fix:</strong> %s</p>
                <p class="code">Error code: <code>%s</code></p>
                </div>
                <p><a href="/login">Back to sign-in</a></p>
                </main></body></html>
                """.formatted(HtmlUtils.htmlEscape(p.code()), HtmlUtils.htmlEscape(p.message()), HtmlUtils.htmlEscape(p.hint()),
                HtmlUtils.htmlEscape(p.code()));
        response.getOutputStream().write(page.getBytes(StandardCharsets.UTF_8));
    }

    /** An agent sign-in refused by the failure throttle before its password was checked. */
    static final class Throttled extends LockedException {
        private final transient Problem problem;
        private final long retryAfterSeconds;

        Throttled(Problem problem, long retryAfterSeconds) {
            super(problem.code() + ": " + problem.message());
            this.problem = problem;
            this.retryAfterSeconds = retryAfterSeconds;
        }

        Problem problem() {
            return problem;
        }

        long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }
}
