package org.deskframe.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The session cookie of the agent's sign-in, read from the real Set-Cookie headers, and the code flow it carries. */
class SignInCookieIntegrationTests extends AuthorizationServerTest {

    @Test
    void theSessionCookieAfterSignInIsHttpOnlyAndSameSiteLaxAndTheCodeFlowCompletes() {
        Agent agent = newAgent("demo");
        AgentBrowser browser = new AgentBrowser(BASE);
        CodeVerifier verifier = new CodeVerifier();
        AuthorizationRequest request = authorizationRequest("demo-backend", DESKTOP_CALLBACK, verifier).build();
        assertThat(browser.get(request.toURI()).redirectsTo("/login")).isTrue();

        AgentBrowser.Page signedIn = browser.signIn(agent.username(), password(agent.username()));

        assertThat(signedIn.redirectsTo("/oauth2/authorize")).as("status %s at %s", signedIn.status(), signedIn.location()).isTrue();
        List<String> cookies = sessionCookies(signedIn);
        assertThat(cookies).as("sign-in sets a new session cookie (the session id changes)").isNotEmpty();
        for (String cookie : cookies) {
            List<String> attributes = attributes(cookie);
            assertThat(attributes).as(cookie).contains("httponly", "samesite=lax").doesNotContain("secure");
        }

        AgentBrowser.Page landing = browser.get(signedIn.location());
        CodeFlow flow = new CodeFlow(request, verifier, landing);
        Exchange tokens = token(basic("demo-backend"), flow.grant(), null);
        assertThat(tokens.ok()).as(tokens.http().getBody()).isTrue();
    }

    @Test
    void theLoginFormsSessionCookieHasTheSameAttributes() {
        AgentBrowser.Page form = new AgentBrowser(BASE).get(URI.create(BASE + "/login"));

        List<String> cookies = sessionCookies(form);
        assertThat(cookies).as("the form's CSRF token lives in the session").isNotEmpty();
        cookies.forEach(cookie -> assertThat(attributes(cookie)).as(cookie).contains("httponly", "samesite=lax"));
    }

    private static List<String> sessionCookies(AgentBrowser.Page page) {
        return page.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("Set-Cookie"))
                .flatMap(e -> e.getValue().stream()).filter(c -> c.startsWith("JSESSIONID=")).toList();
    }

    /** The attributes after name=value, lower-cased and trimmed: "httponly", "samesite=lax", "path=/"... */
    private static List<String> attributes(String setCookie) {
        String[] parts = setCookie.split(";");
        return java.util.Arrays.stream(parts).skip(1).map(p -> p.trim().toLowerCase(java.util.Locale.ROOT)).toList();
    }
}
