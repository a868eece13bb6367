package org.deskframe.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.deskframe.identity.AgentBrowser;
import org.deskframe.identity.AgentBrowser.Page;
import org.deskframe.testing.DeskframeServerTest;
import org.deskframe.testing.TestClient.Reply;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The platform's front door over real HTTP: front page, sign-in page, documentation, error pages and OpenAPI. */
class SiteIntegrationTests extends DeskframeServerTest {

    private final AgentBrowser browser = new AgentBrowser(BASE);

    @Test
    void theFrontPageSaysWhatThisDeploymentIsAndWhereToStart() {
        Page front = browser.get(URI.create(BASE + "/"));
        assertThat(front.status()).isEqualTo(200);
        assertThat(front.body()).contains("<h1>Deskframe at " + BASE + "</h1>")
                .contains("<dt>Region</dt><dd><code>local</code></dd>")
                .contains("<dt>Issuer</dt><dd><code>" + BASE + "</code>")
                .contains("ws://localhost:" + GATEWAY_PORT + "/api/v2/stream")
                .contains("href=\"/docs/getting-started.md\"").contains("href=\"/swagger-ui.html\"")
                .contains("Demo mode").contains("<code>agent1</code> / <code>agent1-demo-pass</code>")
                .contains("href=\"http://localhost:8081\"")
                .contains("href=\"http://localhost:8082\"").contains("The demo customer site");
        assertThat(front.body().split("<h1")).as("one top-level heading").hasSize(2);
        assertThat(front.header("Content-Security-Policy")).isEqualTo("frame-ancestors 'none'");
    }

    @Test
    void aWrongPasswordGetsTheDesignedSignInPageWithTheCatalogueProblem() {
        Page refused = browser.signIn("agent1", "not-the-password");
        assertThat(refused.redirectsTo("/login")).isTrue();
        Page page = browser.get(refused.location());
        assertThat(page.status()).isEqualTo(401);
        assertThat(page.body()).contains("<h1>Sign in to Deskframe</h1>")
                .contains("data-code=\"signin.failed\"")
                .contains("The username or password is wrong.")
                .contains("Error code: <code>signin.failed</code>")
                .contains("name=\"_csrf\"")
                .doesNotContain("Whitelabel");
    }

    @Test
    void aCorrectSignInLandsOnTheFrontPageSignedIn() {
        Page signedIn = browser.signIn("agent2", "agent2-demo-pass");
        assertThat(signedIn.status()).isEqualTo(302);
        Page front = browser.get(signedIn.location());
        assertThat(front.status()).isEqualTo(200);
        assertThat(front.body()).contains("Signed in as <b>agent2</b>").contains("action=\"/logout\"");
    }

    @Test
    void theAuthorizeEndpointWithoutParametersAnswersAPageWithACatalogueCode() {
        Page page = browser.get(URI.create(BASE + "/oauth2/authorize"));
        assertThat(page.status()).isEqualTo(400);
        assertThat(page.header("X-Deskframe-Error")).isEqualTo("request.invalid");
        assertThat(page.body()).contains("Invalid authorization request: the parameter response_type is missing or not valid"
                        + " (OAuth error invalid_request).")
                .contains("Start the sign-in from the application that uses Deskframe")
                .contains("Error code: <code>request.invalid</code>")
                .doesNotContain("Whitelabel");
    }

    @Test
    void anUnknownPageIsACatalogueNotFoundPageForPeopleAndJsonForPrograms() {
        browser.signIn("agent1", "agent1-demo-pass");
        Page page = browser.get(URI.create(BASE + "/no/such/page"));
        assertThat(page.status()).isEqualTo(404);
        assertThat(page.header("X-Deskframe-Error")).isEqualTo("resource.not_found");
        assertThat(page.body()).contains("Page &#39;/no/such/page&#39; not found.")
                .contains("start from the platform&#39;s front page (" + BASE + ")")
                .doesNotContain("Whitelabel");

        Reply json = http.get("/oauth2/authorize", null, "Accept", "application/json");
        assertThat(json.status()).isEqualTo(400);
        assertThat(json.json().get("code").asString()).isEqualTo("request.invalid");
        assertThat(json.json().get("hint").asString()).startsWith("Start the sign-in from the application");
        Page missingDoc = browser.get(URI.create(BASE + "/docs/no-such-doc.md"));
        assertThat(missingDoc.body()).contains("Document &#39;no-such-doc.md&#39; not found.");
    }

    @Test
    void theDocumentationIsServedAsPagesWithItsOwnHeadingAndTables() {
        Page index = browser.get(URI.create(BASE + "/docs/"));
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.body()).contains("href=\"errors.md\"").contains("href=\"embedding.md\"");
        Page errors = browser.get(URI.create(BASE + "/docs/errors.md"));
        assertThat(errors.status()).isEqualTo(200);
        assertThat(errors.body()).contains("<h1>Error catalogue</h1>").contains("<table tabindex=\"0\">").contains("<code>token.scope_missing</code>");
        assertThat(errors.body().split("<h1")).hasSize(2);
        // Wide code blocks and tables scroll: a keyboard can reach them.
        assertThat(browser.get(URI.create(BASE + "/docs/embedding.md")).body()).contains("<pre tabindex=\"0\">");
    }

    @Test
    void theOpenApiDocumentHasARealTitleVersionAndThisDeploymentAsServer() {
        JsonNode api = http.get("/v3/api-docs", null).json();
        assertThat(api.get("info").get("title").asString()).isEqualTo("Deskframe API");
        assertThat(api.get("info").get("version").asString()).isEqualTo("0.1.0-SNAPSHOT");
        assertThat(api.get("servers").get(0).get("url").asString()).isEqualTo(BASE);
    }
}
