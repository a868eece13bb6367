package org.deskframe.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deskframe.testing.DeskframeServerTest;
import org.deskframe.testing.TestClient;
import org.deskframe.testing.TestClient.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

/**
 * The admin API against the shared test server. Every test creates its own ids (the server and its data are shared
 * with other test classes); demo data is only read, or probed by calls that must change nothing.
 */
@ExtendWith(OutputCaptureExtension.class)
class AdminApiIntegrationTests extends DeskframeServerTest {

    private static final String ADMIN = "/api/v2/admin";
    private static final String BOOTSTRAP_SECRET = "test-bootstrap-admin-secret-0123456789abcdef";
    private static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private static final String WIDGET_SCOPES = "messaging:read messaging:write";

    // ---- organisations -------------------------------------------------------------------------------------------

    @Test
    void whenDeploymentAdminCreatesAnOrgThenItIsListedAndCanBeRenamed() {
        String admin = deploymentAdminToken();
        String org = unique("org");

        Reply created = http.send("POST", ADMIN + "/orgs", admin, json("id", org, "name", "First name"));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo(BASE + ADMIN + "/orgs/" + org);
        assertThat(created.json().get("region").asString()).isEqualTo("local");

        assertThat(http.get(ADMIN + "/orgs", admin).json().toString()).contains("\"" + org + "\"", "\"demo\"", "\"acme\"");

        Reply renamed = http.send("PATCH", ADMIN + "/orgs/" + org, admin, json("name", "Second name"));
        assertThat(renamed.status()).isEqualTo(200);
        assertThat(http.get(ADMIN + "/orgs/" + org, admin).json().get("name").asString()).isEqualTo("Second name");
    }

    @Test
    void whenOrgAdminListsOrgsThenOnlyItsOwnIsListed() {
        Reply reply = http.get(ADMIN + "/orgs", demoAdminToken());
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().size()).isEqualTo(1);
        assertThat(reply.json().get(0).get("id").asString()).isEqualTo("demo");
    }

    @Test
    void whenOrgAdminCreatesAnOrgThenDeploymentOnlyIsRefused() {
        Reply reply = http.send("POST", ADMIN + "/orgs", demoAdminToken(), json("id", unique("org"), "name", "Nope"));
        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.json().get("code").asString()).isEqualTo("admin.deployment_only");
        assertThat(reply.json().get("message").asString()).contains("create organisations", "demo-admin", "demo");
        assertThat(reply.json().get("hint").asString()).contains("deployment admin");
    }

    @Test
    void whenOrgAdminRotatesTheSigningKeyThenDeploymentOnlyIsRefused() {
        String before = http.get(ADMIN + "/signing-keys", demoAdminToken()).json().get("currentKid").asString();
        Reply reply = http.send("POST", ADMIN + "/signing-keys/rotate", demoAdminToken(), null);
        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.json().get("code").asString()).isEqualTo("admin.deployment_only");
        assertThat(reply.json().get("message").asString()).contains("rotate signing keys");
        assertThat(http.get(ADMIN + "/signing-keys", demoAdminToken()).json().get("currentKid").asString()).isEqualTo(before);
    }

    @Test
    void whenOrgIdIsTakenThenConflict() {
        Reply reply = http.send("POST", ADMIN + "/orgs", deploymentAdminToken(), json("id", "demo", "name", "Again"));
        assertThat(reply.status()).isEqualTo(409);
        assertThat(reply.json().get("code").asString()).isEqualTo("resource.conflict");
    }

    // ---- agents --------------------------------------------------------------------------------------------------

    @Test
    void whenAdminCreatesAnAgentThenItCanGetATokenThroughTheJwtBearerGrant() {
        String admin = deploymentAdminToken();
        String org = newOrg(admin);
        Issued backend = newBackend(admin, org, List.of("embed"));
        String agent = unique("agent");

        Reply created = http.send("POST", ADMIN + "/orgs/" + org + "/agents", admin,
                json("username", agent, "displayName", "New Agent", "email", agent + "@example.com"));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo(BASE + ADMIN + "/orgs/" + org + "/agents/" + agent);
        assertThat(created.json().get("id").asString()).isEqualTo(agent);
        assertThat(created.json().get("roles").toString()).isEqualTo("[\"agent\"]");
        assertThat(created.json().get("enabled").asBoolean()).isTrue();

        Reply token = jwtBearer(backend, agent, WIDGET_SCOPES);
        assertThat(token.status()).as(token.body()).isEqualTo(200);
        Reply me = http.get("/api/v2/tokens/me", token.json().get("access_token").asString());
        assertThat(me.json().get("agent").get("id").asString()).isEqualTo(agent);
        assertThat(me.json().get("org").get("id").asString()).isEqualTo(org);
    }

    @Test
    void agentResponsesNeverCarryPasswordsOrHashes() {
        String admin = deploymentAdminToken();
        String org = newOrg(admin);
        String agent = unique("agent");
        Reply created = http.send("POST", ADMIN + "/orgs/" + org + "/agents", admin,
                json("username", agent, "password", "correct-horse-battery"));

        for (Reply reply : List.of(created, http.get(ADMIN + "/orgs/" + org + "/agents/" + agent, admin),
                http.get(ADMIN + "/orgs/" + org + "/agents", admin))) {
            assertThat(reply.status()).isIn(200, 201);
            assertThat(reply.body()).doesNotContainIgnoringCase("password").doesNotContain("correct-horse-battery")
                    .doesNotContain("{bcrypt}");
        }
    }

    @Test
    void whenAgentIsPatchedThenOnlyTheGivenFieldsChange() {
        String admin = deploymentAdminToken();
        String org = newOrg(admin);
        String agent = newAgent(admin, org);

        Reply patched = http.send("PATCH", ADMIN + "/orgs/" + org + "/agents/" + agent, admin,
                json("displayName", "Renamed", "roles", List.of("agent", "supervisor")));
        assertThat(patched.status()).isEqualTo(200);
        JsonNode body = http.get(ADMIN + "/orgs/" + org + "/agents/" + agent, admin).json();
        assertThat(body.get("displayName").asString()).isEqualTo("Renamed");
        assertThat(body.get("roles").toString()).isEqualTo("[\"agent\",\"supervisor\"]");
        assertThat(body.get("email").asString()).isEqualTo(agent + "@example.com");
        assertThat(body.get("enabled").asBoolean()).isTrue();
    }

    @Test
    void whenAgentIsDisabledThenItsExistingTokenIsRefusedWithAgentDisabled() {
        String admin = deploymentAdminToken();
        String org = newOrg(admin);
        Issued backend = newBackend(admin, org, List.of("embed"));
        String agent = newAgent(admin, org);
        String token = jwtBearer(backend, agent, WIDGET_SCOPES).json().get("access_token").asString();
        assertThat(http.get("/api/v2/tokens/me", token).status()).isEqualTo(200);

        Reply disabled = http.send("PATCH", ADMIN + "/orgs/" + org + "/agents/" + agent, admin, json("enabled", false));
        assertThat(disabled.json().get("enabled").asBoolean()).isFalse();

        Reply me = http.get("/api/v2/tokens/me", token);
        assertThat(me.status()).isEqualTo(403);
        assertThat(me.json().get("code").asString()).isEqualTo("agent.disabled");
        assertThat(me.json().get("hint").asString()).contains(org);
        assertThat(jwtBearer(backend, agent, WIDGET_SCOPES).status()).isEqualTo(400);
    }

    @Test
    void whenAPasswordIsSetThenTheAgentSignsInWithItAndNotWithAnother() {
        String admin = deploymentAdminToken();
        String org = newOrg(admin);
        String agent = newAgent(admin, org);

        Reply set = http.send("PUT", ADMIN + "/orgs/" + org + "/agents/" + agent + "/password", admin,
                json("password", "a-long-enough-password"));
        assertThat(set.status()).isEqualTo(204);

        assertThat(signIn(agent, "a-long-enough-password")).doesNotContain("error");
        assertThat(signIn(agent, "another-password")).contains("/login?error");
    }

    @Test
    void whenAnAgentIdIsTakenThenConflict() {
        String admin = deploymentAdminToken();
        String org = newOrg(admin);
        String agent = newAgent(admin, org);
        Reply reply = http.send("POST", ADMIN + "/orgs/" + org + "/agents", admin, json("username", agent));
        assertThat(reply.status()).isEqualTo(409);
        assertThat(reply.json().get("code").asString()).isEqualTo("resource.conflict");
        assertThat(reply.json().get("message").asString()).contains(agent);
    }

    @Test
    void whenAnAgentRequestIsInvalidThenTheFieldIsNamed() {
        String admin = deploymentAdminToken();
        String org = newOrg(admin);
        String agents = ADMIN + "/orgs/" + org + "/agents";

        assertInvalid(http.send("POST", agents, admin, json("displayName", "No username")), "username");
        assertInvalid(http.send("POST", agents, admin, json("username", unique("a"), "email", "not-an-email")), "email");
        assertInvalid(http.send("POST", agents, admin, json("username", unique("a"), "password", "short")), "password");
        assertInvalid(http.send("POST", agents, admin, json("username", unique("a"), "roles", List.of("has space"))), "roles");
        assertInvalid(http.send("POST", agents, admin, json("id", "-bad id", "username", unique("a"))), "id");
        assertInvalid(http.send("POST", agents, admin, "{not json"), "JSON");

        String agent = newAgent(admin, org);
        assertInvalid(http.send("PUT", agents + "/" + agent + "/password", admin, json("password", "1234567")), "password");
        assertInvalid(http.send("PUT", agents + "/" + agent + "/password", admin, json("password", "é".repeat(40))), "password");
        assertInvalid(http.send("PATCH", agents + "/" + agent, admin, json("displayName", "   ")), "displayName");
    }

    @Test
    void whenABodyCannotBeReadThenNeitherTheResponseNorTheLogQuotesIt(CapturedOutput log) {
        String admin = deploymentAdminToken();
        String org = newOrg(admin);
        String agent = ADMIN + "/orgs/" + org + "/agents/" + newAgent(admin, org);

        Reply unquoted = http.send("PUT", agent + "/password", admin, "{\"password\": hunter2-unquoted}");
        assertInvalid(unquoted, "not valid JSON");
        Reply wrongType = http.send("PATCH", agent, admin, "{\"enabled\": \"maybe-hunter3\"}");
        assertInvalid(wrongType, "'enabled'");

        assertThat(unquoted.body() + wrongType.body()).doesNotContain("hunter");
        assertThat(log.getAll()).contains("request.invalid").doesNotContain("hunter2-unquoted").doesNotContain("maybe-hunter3");
    }

    // ---- queues --------------------------------------------------------------------------------------------------

    @Test
    void whenAQueueIsCreatedThenItCanBeReadListedAndDeleted() {
        String admin = deploymentAdminToken();
        String org = newOrg(admin);
        String queue = unique("queue");
        String queues = ADMIN + "/orgs/" + org + "/queues";

        Reply created = http.send("POST", queues, admin, json("id", queue, "name", "Billing"));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo(BASE + queues + "/" + queue);
        assertThat(http.get(queues + "/" + queue, admin).json().get("name").asString()).isEqualTo("Billing");
        assertThat(http.get(queues, admin).json().toString()).contains(queue);
        assertThat(http.send("POST", queues, admin, json("id", queue, "name", "Again")).status()).isEqualTo(409);
        assertInvalid(http.send("POST", queues, admin, json("id", unique("q"))), "name");

        assertThat(http.send("DELETE", queues + "/" + queue, admin, null).status()).isEqualTo(204);
        Reply gone = http.get(queues + "/" + queue, admin);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.json().get("code").asString()).isEqualTo("resource.not_found");
    }

    // ---- OAuth clients -------------------------------------------------------------------------------------------

    @Test
    void whenAClientIsCreatedThenItsSecretIsReturnedOnceAndNeverAgain(CapturedOutput log) {
        String admin = deploymentAdminToken();
        String org = newOrg(admin);
        String client = unique("svc");
        String clients = ADMIN + "/orgs/" + org + "/clients";

        Reply created = http.send("POST", clients, admin, json("clientId", client, "grantTypes", List.of("client_credentials"),
                "allowedScopes", List.of("presence")));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo(BASE + clients + "/" + client);
        assertThat(created.header("Cache-Control")).contains("no-store");
        String secret = created.json().get("clientSecret").asString();
        assertThat(secret).hasSizeGreaterThanOrEqualTo(32);
        assertThat(created.json().get("client").get("orgId").asString()).isEqualTo(org);

        for (Reply reply : List.of(http.get(clients + "/" + client, admin), http.get(clients, admin))) {
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.body()).doesNotContain(secret).doesNotContainIgnoringCase("secret\"");
        }
        assertThat(clientToken(client, secret, "presence").status()).isEqualTo(200);
        assertThat(log.getAll()).contains("registered OAuth client " + client).doesNotContain(secret);
    }

    @Test
    void whenAClientLacksEmbedThenItsAgentTokensCannotOpenWidgetsUntilItIsGranted() {
        String admin = deploymentAdminToken();
        String org = newOrg(admin);
        String agent = newAgent(admin, org);
        Issued withEmbed = newBackend(admin, org, List.of("embed"));
        Issued withoutEmbed = newBackend(admin, org, List.of());

        assertThat(widgetProblems(withEmbed, agent)).isEmpty();
        assertThat(widgetProblems(withoutEmbed, agent)).contains("client.embed_not_allowed");

        Reply granted = http.send("PATCH", ADMIN + "/orgs/" + org + "/clients/" + withoutEmbed.clientId(), admin,
                json("capabilities", List.of("embed")));
        assertThat(granted.json().get("capabilities").toString()).isEqualTo("[\"embed\"]");
        assertThat(widgetProblems(withoutEmbed, agent)).isEmpty();
    }

    @Test
    void whenAClientIsPatchedThenLifetimesOriginsAndKeysChange() throws Exception {
        String admin = deploymentAdminToken();
        String org = newOrg(admin);
        Issued backend = newBackend(admin, org, List.of("embed"));
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").keyUse(KeyUse.SIGNATURE).generate();

        Reply patched = http.send("PATCH", ADMIN + "/orgs/" + org + "/clients/" + backend.clientId(), admin,
                json("accessTokenTtlSeconds", 600, "allowedEmbeddingOrigins", List.of("https://desk.example.com:8443"),
                        "jwks", Map.of("keys", List.of(key.toPublicJWK().toJSONObject())), "name", "Renamed backend"));
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        JsonNode body = http.get(ADMIN + "/orgs/" + org + "/clients/" + backend.clientId(), admin).json();
        assertThat(body.get("accessTokenTtlSeconds").asLong()).isEqualTo(600);
        assertThat(body.get("allowedEmbeddingOrigins").toString()).isEqualTo("[\"https://desk.example.com:8443\"]");
        assertThat(body.get("jwks").get("keys").get(0).get("kid").asString()).isEqualTo("k1");
        assertThat(body.get("name").asString()).isEqualTo("Renamed backend");
        assertThat(body.get("grantTypes").toString()).contains(JWT_BEARER);

        Reply token = jwtBearer(backend, newAgent(admin, org), WIDGET_SCOPES);
        assertThat(token.json().get("expires_in").asLong()).isBetween(590L, 600L);
    }

    @Test
    void whenAClientSecretIsRotatedThenOnlyTheNewSecretWorksAndAssertionsKeepWorking() {
        String admin = deploymentAdminToken();
        String org = newOrg(admin);
        Issued backend = newBackend(admin, org, List.of("embed"));
        String agent = newAgent(admin, org);

        Reply rotated = http.send("POST", ADMIN + "/orgs/" + org + "/clients/" + backend.clientId() + "/secret", admin, null);
        assertThat(rotated.status()).isEqualTo(200);
        assertThat(rotated.header("Cache-Control")).contains("no-store");
        assertThat(rotated.json().get("forAssertions").asBoolean()).isTrue();
        Issued renewed = new Issued(backend.clientId(), rotated.json().get("clientSecret").asString());
        assertThat(renewed.secret()).hasSizeGreaterThanOrEqualTo(32).isNotEqualTo(backend.secret());

        assertThat(clientToken(backend.clientId(), backend.secret(), null).status()).isEqualTo(401);
        assertThat(clientToken(renewed.clientId(), renewed.secret(), null).status()).isEqualTo(200);
        assertThat(jwtBearer(renewed, agent, WIDGET_SCOPES).status()).isEqualTo(200);

        Reply plain = http.send("POST", ADMIN + "/orgs/" + org + "/clients/" + backend.clientId() + "/secret", admin,
                json("forAssertions", false));
        Issued third = new Issued(backend.clientId(), plain.json().get("clientSecret").asString());
        assertThat(clientToken(third.clientId(), third.secret(), null).status()).isEqualTo(200);
        assertThat(jwtBearer(third, agent, WIDGET_SCOPES).status()).isEqualTo(400);
    }

    @Test
    void whenAClientRequestIsInvalidThenTheFieldIsNamed() throws Exception {
        String admin = deploymentAdminToken();
        String org = newOrg(admin);
        String clients = ADMIN + "/orgs/" + org + "/clients";
        List<String> grants = List.of("client_credentials");

        assertInvalid(http.send("POST", clients, admin, json("clientId", unique("c"))), "grantTypes");
        assertInvalid(http.send("POST", clients, admin, json("clientId", unique("c"), "grantTypes", List.of("password"))), "grantTypes");
        Reply scope = http.send("POST", clients, admin, json("clientId", unique("c"), "grantTypes", grants,
                "allowedScopes", List.of("messages:read")));
        assertInvalid(scope, "allowedScopes");
        assertThat(scope.json().get("message").asString()).contains("did you mean 'messaging:read'");
        assertInvalid(http.send("POST", clients, admin, json("clientId", unique("c"), "grantTypes", grants,
                "allowedEmbeddingOrigins", List.of("https://desk.example.com/app"))), "allowedEmbeddingOrigins");
        assertInvalid(http.send("POST", clients, admin, json("clientId", unique("c"), "grantTypes", grants,
                "redirectUris", List.of("https://desk.example.com/cb#frag"))), "redirectUris");
        assertInvalid(http.send("POST", clients, admin, json("clientId", unique("c"), "grantTypes", grants,
                "capabilities", List.of("embedd"))), "capabilities");
        assertInvalid(http.send("POST", clients, admin, json("clientId", unique("c"), "grantTypes", grants,
                "accessTokenTtlSeconds", 5)), "accessTokenTtlSeconds");
        assertInvalid(http.send("POST", clients, admin, json("clientId", unique("c"), "grantTypes", grants,
                "authMethods", List.of("private_key_jwt"))), "jwks");
        RSAKey privateKey = new RSAKeyGenerator(2048).keyID("leak").generate();
        Reply leaked = http.send("POST", clients, admin, json("clientId", unique("c"), "grantTypes", grants,
                "jwks", Map.of("keys", List.of(privateKey.toJSONObject()))));
        assertInvalid(leaked, "jwks");
        assertThat(leaked.json().get("message").asString()).contains("private");
        // The JDK's provider took RSA keys down to 512 bits, the native one takes any: the policy is Deskframe's own.
        RSAKey weak = new RSAKeyGenerator(1024, true).keyID("weak").generate();
        Reply refusedWeak = http.send("POST", clients, admin, json("clientId", unique("c"), "grantTypes", grants,
                "jwks", Map.of("keys", List.of(weak.toPublicJWK().toJSONObject()))));
        assertInvalid(refusedWeak, "jwks");
        assertThat(refusedWeak.json().get("message").asString()).contains("'weak' is an RSA key of 1024 bits; at least 2048 are required");

        Issued backend = newBackend(admin, org, List.of());
        assertInvalid(http.send("PATCH", clients + "/" + backend.clientId(), admin, json("grantTypes", List.of())), "grantTypes");
        assertInvalid(http.send("PATCH", clients + "/" + backend.clientId(), admin,
                json("refreshTokenTtlSeconds", 100_000_000)), "refreshTokenTtlSeconds");
        assertThat(http.send("POST", clients, admin, json("clientId", backend.clientId(), "grantTypes", grants)).status())
                .isEqualTo(409);
    }

    // ---- isolation and authority ---------------------------------------------------------------------------------

    @Test
    void whenOrgAdminAsksForAnotherOrgsAgentThenSameNotFoundAsMissing() {
        String demoAdmin = demoAdminToken();
        String missing = unique("nobody");
        for (String suffix : List.of("", "/password")) {
            String method = suffix.isEmpty() ? "GET" : "PUT";
            String body = suffix.isEmpty() ? null : json("password", "a-long-enough-password");
            Reply foreign = http.send(method, ADMIN + "/orgs/demo/agents/acme-agent1" + suffix, demoAdmin, body);
            Reply absent = http.send(method, ADMIN + "/orgs/demo/agents/" + missing + suffix, demoAdmin, body);
            assertSameNotFound(foreign, absent, "acme-agent1", missing);
        }
        Reply patch = http.send("PATCH", ADMIN + "/orgs/demo/agents/acme-agent1", demoAdmin, json("enabled", false));
        assertSameNotFound(patch, http.send("PATCH", ADMIN + "/orgs/demo/agents/" + missing, demoAdmin, json("enabled", false)),
                "acme-agent1", missing);
        assertThat(http.get(ADMIN + "/orgs/acme/agents/acme-agent1", deploymentAdminToken()).json().get("enabled").asBoolean()).isTrue();
    }

    @Test
    void whenOrgAdminAsksForAnotherOrgThenSameNotFoundAsMissing() {
        String demoAdmin = demoAdminToken();
        String missing = unique("no-org");
        for (String path : List.of("", "/agents", "/queues", "/clients", "/agents/acme-agent1", "/queues/acme-support",
                "/clients/acme-backend")) {
            assertSameNotFound(http.get(ADMIN + "/orgs/acme" + path, demoAdmin), http.get(ADMIN + "/orgs/" + missing + path, demoAdmin),
                    "acme", missing);
        }
        Reply rename = http.send("PATCH", ADMIN + "/orgs/acme", demoAdmin, json("name", "Taken over"));
        assertSameNotFound(rename, http.send("PATCH", ADMIN + "/orgs/" + missing, demoAdmin, json("name", "Taken over")), "acme", missing);
        Reply create = http.send("POST", ADMIN + "/orgs/acme/agents", demoAdmin, json("username", unique("intruder")));
        assertThat(create.status()).isEqualTo(404);
        assertThat(http.get(ADMIN + "/orgs/acme", deploymentAdminToken()).json().get("name").asString()).isEqualTo("Acme Inc");
    }

    @Test
    void whenOrgAdminTouchesAnotherOrgsQueueOrClientThenSameNotFoundAndNothingChanges() {
        String demoAdmin = demoAdminToken();
        String missing = unique("nothing");
        assertSameNotFound(http.send("DELETE", ADMIN + "/orgs/demo/queues/acme-support", demoAdmin, null),
                http.send("DELETE", ADMIN + "/orgs/demo/queues/" + missing, demoAdmin, null), "acme-support", missing);
        assertSameNotFound(http.get(ADMIN + "/orgs/demo/clients/acme-backend", demoAdmin),
                http.get(ADMIN + "/orgs/demo/clients/" + missing, demoAdmin), "acme-backend", missing);
        assertSameNotFound(http.send("PATCH", ADMIN + "/orgs/demo/clients/acme-backend", demoAdmin, json("enabled", false)),
                http.send("PATCH", ADMIN + "/orgs/demo/clients/" + missing, demoAdmin, json("enabled", false)), "acme-backend", missing);
        assertSameNotFound(http.send("POST", ADMIN + "/orgs/demo/clients/acme-backend/secret", demoAdmin, null),
                http.send("POST", ADMIN + "/orgs/demo/clients/" + missing + "/secret", demoAdmin, null), "acme-backend", missing);
        // The deployment admin client belongs to no org, so no org path reaches it.
        assertSameNotFound(http.send("POST", ADMIN + "/orgs/demo/clients/deskframe-admin/secret", demoAdmin, null),
                http.send("POST", ADMIN + "/orgs/demo/clients/" + missing + "/secret", demoAdmin, null), "deskframe-admin", missing);

        String deployment = deploymentAdminToken();
        assertThat(http.get(ADMIN + "/orgs/acme/queues/acme-support", deployment).status()).isEqualTo(200);
        assertThat(http.get(ADMIN + "/orgs/acme/clients/acme-backend", deployment).json().get("enabled").asBoolean()).isTrue();
        assertThat(http.clientToken("acme-backend", "messaging:read")).isNotBlank();
    }

    @Test
    void whenAnOrgsOwnAdminClientManagesItThenItWorksInsideAndNowhereElse() {
        String deployment = deploymentAdminToken();
        String org = newOrg(deployment);
        Reply registered = http.send("POST", ADMIN + "/orgs/" + org + "/clients", deployment, json("clientId", unique("admin"),
                "grantTypes", List.of("client_credentials"), "allowedScopes", List.of("admin")));
        String orgAdmin = clientToken(registered.json().get("client").get("clientId").asString(),
                registered.json().get("clientSecret").asString(), "admin").json().get("access_token").asString();

        assertThat(http.get(ADMIN + "/orgs", orgAdmin).json().toString()).contains(org).doesNotContain("\"demo\"");
        assertThat(newAgent(orgAdmin, org)).isNotBlank();
        assertThat(http.get(ADMIN + "/orgs/demo/agents", orgAdmin).status()).isEqualTo(404);
    }

    @Test
    void whenAnAgentTokenCallsTheAdminApiThenTheMissingAdminScopeIsNamed() {
        String token = http.agentToken("demo-backend", "agent1", "messaging:read");
        Reply reply = http.get(ADMIN + "/orgs", token);
        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.json().get("code").asString()).isEqualTo("token.scope_missing");
        assertThat(reply.json().get("missing").toString()).isEqualTo("[\"admin\"]");
        assertThat(reply.json().get("message").asString()).contains("admin");
        assertThat(reply.header("WWW-Authenticate")).contains("insufficient_scope").contains("scope=\"admin\"");
    }

    @Test
    void whenAnAgentTokenCarriesTheAdminScopeThenAClientTokenIsRequired() {
        String deployment = deploymentAdminToken();
        String org = newOrg(deployment);
        Reply registered = http.send("POST", ADMIN + "/orgs/" + org + "/clients", deployment, json("clientId", unique("odd"),
                "grantTypes", List.of(JWT_BEARER), "allowedScopes", List.of("admin"), "forAssertions", true));
        Issued odd = new Issued(registered.json().get("client").get("clientId").asString(), registered.json().get("clientSecret").asString());
        Reply token = jwtBearer(odd, newAgent(deployment, org), "admin");
        assertThat(token.status()).as(token.body()).isEqualTo(200);

        Reply reply = http.get(ADMIN + "/orgs", token.json().get("access_token").asString());
        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.json().get("code").asString()).isEqualTo("admin.client_token_required");
        assertThat(reply.json().get("hint").asString()).contains("client_credentials");
    }

    @Test
    void whenNoTokenIsSentThenTheAdminApiAsksForOne() {
        Reply reply = http.get(ADMIN + "/orgs", null);
        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.json().get("code").asString()).isEqualTo("token.missing");
    }

    // ---- signing keys --------------------------------------------------------------------------------------------

    @Test
    void whenDeploymentAdminRotatesTheSigningKeyThenOldTokensStillVerifyAndTheJwksListsBothKids() throws Exception {
        String agentToken = http.agentToken("demo-backend", "agent1", "messaging:read");
        String oldKid = SignedJWT.parse(agentToken).getHeader().getKeyID();
        String admin = deploymentAdminToken();

        Reply rotated = http.send("POST", ADMIN + "/signing-keys/rotate", admin, null);
        assertThat(rotated.status()).isEqualTo(200);
        String newKid = rotated.json().get("kid").asString();
        assertThat(newKid).isNotEqualTo(oldKid);
        assertThat(rotated.json().get("publishedKids").toString()).isEqualTo("[\"" + newKid + "\",\"" + oldKid + "\"]");

        assertThat(http.get("/api/v2/tokens/me", agentToken).status()).isEqualTo(200);
        assertThat(http.get("/api/v2/tokens/me", admin).status()).isEqualTo(200);
        String fresh = http.agentToken("demo-backend", "agent1", "messaging:read");
        assertThat(SignedJWT.parse(fresh).getHeader().getKeyID()).isEqualTo(newKid);

        Reply jwks = http.get("/oauth2/jwks", null);
        assertThat(jwks.status()).isEqualTo(200);
        assertThat(jwks.json().get("keys").valueStream().map(k -> k.get("kid").asString()).toList()).contains(newKid, oldKid);
        assertThat(jwks.body()).doesNotContain("\"d\"");
        JsonNode published = http.get(ADMIN + "/signing-keys", demoAdminToken()).json();
        assertThat(published.get("currentKid").asString()).isEqualTo(newKid);
    }

    // ---- documentation -------------------------------------------------------------------------------------------

    @Test
    void theAdminApiIsInTheOpenApiDocumentWithoutTheCallerAsAParameter() {
        Reply docs = http.get("/v3/api-docs", null);
        assertThat(docs.status()).isEqualTo(200);
        JsonNode paths = docs.json().get("paths");
        assertThat(paths.has(ADMIN + "/orgs/{orgId}/agents/{agentId}/password")).isTrue();
        assertThat(paths.has(ADMIN + "/orgs/{orgId}/clients/{clientId}/secret")).isTrue();
        assertThat(paths.has(ADMIN + "/signing-keys/rotate")).isTrue();
        assertThat(paths.get(ADMIN + "/orgs").get("get").path("parameters").toString()).doesNotContain("jti");
        assertThat(docs.json().get("components").get("securitySchemes").has("adminToken")).isTrue();
        JsonNode createClient = paths.get(ADMIN + "/orgs/{orgId}/clients").get("post");
        assertThat(createClient.get("operationId").asString()).isEqualTo("createClient");
        assertThat(createClient.get("responses").has("201")).isTrue();
    }

    @Test
    void whenAnAdminSendsASecretOfItsOwnThenRequestInvalidSaysTheServerGeneratesThem() {
        String admin = deploymentAdminToken();
        String client = unique("chosen");

        Reply created = http.send("POST", ADMIN + "/orgs/demo/clients", admin, json("clientId", client,
                "grantTypes", List.of("client_credentials"), "clientSecret", "my-own-secret-0123456789abcdef-0123456789"));
        Reply rotated = http.send("POST", ADMIN + "/orgs/demo/clients/demo-noembed/secret", admin,
                json("clientSecret", "my-own-secret-0123456789abcdef-0123456789"));

        for (Reply r : List.of(created, rotated)) {
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.json().get("code").asString()).isEqualTo("request.invalid");
            assertThat(r.json().get("message").asString()).contains("'clientSecret' cannot be chosen").contains("generates");
        }
        assertThat(http.get(ADMIN + "/orgs/demo/clients/" + client, admin).status()).as("nothing registered").isEqualTo(404);
        assertThat(http.clientToken("demo-noembed", null)).as("the secret was not replaced").isNotBlank();
    }

    // ---- paths -----------------------------------------------------------------------------------------------------

    @Test
    void whenAnyAdminPathEndsWithASlashThenRequestInvalidNamesThePathWithoutIt() {
        String admin = deploymentAdminToken();
        List<String> paths = http.get("/v3/api-docs", null).json().get("paths").propertyStream().map(Map.Entry::getKey)
                .filter(p -> p.startsWith(ADMIN)).toList();
        assertThat(paths).hasSizeGreaterThan(10);

        for (String template : paths) {
            String path = template.replace("{orgId}", "demo").replace("{agentId}", "agent1").replace("{clientId}", "demo-backend")
                    .replace("{queueId}", "demo-support").replace("{deploymentId}", "demo-web").replace("{responseId}", "cr_none")
                    .replace("{callId}", "call_none");
            assertThat(path).as(template).doesNotContain("{");
            for (String method : List.of("GET", "POST", "PATCH", "DELETE")) {
                Reply r = http.send(method, path + "/", admin, method.equals("GET") || method.equals("DELETE") ? null : "{}");

                assertThat(r.status()).as("%s %s/: %s", method, path, r.body()).isEqualTo(400);
                assertThat(r.json().get("code").asString()).isEqualTo("request.invalid");
                assertThat(r.json().get("message").asString()).as(method + " " + path)
                        .contains("'" + path + "/'").contains("use '" + path + "'");
                assertThat(r.json().get("path").asString()).isEqualTo(path);
            }
        }
    }

    @Test
    void whenAnAdminPathDoesNotExistThenResourceNotFoundNamesIt() {
        Reply r = http.get(ADMIN + "/orgs/demo/no-such-thing", deploymentAdminToken());

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("code").asString()).isEqualTo("resource.not_found");
        assertThat(r.json().get("message").asString()).isEqualTo("Path '" + ADMIN + "/orgs/demo/no-such-thing' not found.");
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private record Issued(String clientId, String secret) {}

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String json(Object... keysAndValues) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) body.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return TestClient.JSON.writeValueAsString(body);
    }

    private String deploymentAdminToken() {
        Reply r = clientToken("deskframe-admin", BOOTSTRAP_SECRET, "admin");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("access_token").asString();
    }

    private String demoAdminToken() {
        return http.clientToken("demo-admin", "admin");
    }

    private Reply clientToken(String clientId, String secret, String scope) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        if (scope != null) form.put("scope", scope);
        return http.form("/oauth2/token", clientId, secret, form);
    }

    private Reply jwtBearer(Issued client, String username, String scope) {
        String assertion = TestClient.hs256Assertion(client.clientId(), client.secret(), username, BASE + "/oauth2/token",
                Instant.now(), Duration.ofMinutes(2), UUID.randomUUID().toString());
        return http.form("/oauth2/token", client.clientId(), client.secret(),
                Map.of("grant_type", JWT_BEARER, "assertion", assertion, "scope", scope));
    }

    private String newOrg(String admin) {
        String org = unique("org");
        Reply r = http.send("POST", ADMIN + "/orgs", admin, json("id", org, "name", "Org " + org));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return org;
    }

    private String newAgent(String admin, String org) {
        String agent = unique("agent");
        Reply r = http.send("POST", ADMIN + "/orgs/" + org + "/agents", admin, json("username", agent, "email", agent + "@example.com"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return agent;
    }

    /** A backend client that gets agent tokens with HS256 assertions, like an integrator's. */
    private Issued newBackend(String admin, String org, List<String> capabilities) {
        String client = unique("backend");
        Reply r = http.send("POST", ADMIN + "/orgs/" + org + "/clients", admin, json("clientId", client,
                "grantTypes", List.of(JWT_BEARER, "client_credentials"), "allowedScopes", List.of("messaging:read", "messaging:write"),
                "allowedEmbeddingOrigins", List.of("https://desk.example.com"), "capabilities", capabilities, "forAssertions", true));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().get("secretForAssertions").asBoolean()).isTrue();
        return new Issued(client, r.json().get("clientSecret").asString());
    }

    /** Codes of the problems the messaging widget would report for this client's token for the agent. */
    private List<String> widgetProblems(Issued client, String agent) {
        Reply token = jwtBearer(client, agent, WIDGET_SCOPES);
        assertThat(token.status()).as(token.body()).isEqualTo(200);
        Reply dryRun = http.get("/api/v2/authorize?widgets=messaging", token.json().get("access_token").asString());
        return dryRun.json().get("widgets").get("messaging").get("problems").valueStream().map(p -> p.get("code").asString()).toList();
    }

    private static void assertInvalid(Reply reply, String field) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(reply.json().get("code").asString()).isEqualTo("request.invalid");
        assertThat(reply.json().get("message").asString()).contains(field);
    }

    /** Same status, same headers that matter and, with the ids swapped, the very same body. */
    private static void assertSameNotFound(Reply foreign, Reply missing, String foreignId, String missingId) {
        assertThat(foreign.status()).as(foreign.body()).isEqualTo(404);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(foreign.json().get("code").asString()).isEqualTo("resource.not_found");
        assertThat(foreign.body()).isEqualTo(missing.body().replace(missingId, foreignId));
        assertThat(foreign.header("WWW-Authenticate")).isEqualTo(missing.header("WWW-Authenticate"));
        assertThat(foreign.header("Content-Type")).isEqualTo(missing.header("Content-Type"));
    }

    /** Form sign-in as a browser does it; returns where the server redirects (…/login?error on failure). */
    private String signIn(String username, String password) {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        try {
            String page = browser.send(HttpRequest.newBuilder(URI.create(BASE + "/login")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher csrf = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(page);
            String form = "username=" + enc(username) + "&password=" + enc(password) + (csrf.find() ? "&_csrf=" + enc(csrf.group(1)) : "");
            HttpResponse<String> r = browser.send(HttpRequest.newBuilder(URI.create(BASE + "/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(302);
            return r.headers().firstValue("Location").orElse("");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
