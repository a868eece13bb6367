package org.deskframe.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.deskframe.testing.DeskframeServerTest;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient;
import org.deskframe.testing.TestClient.Reply;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.web.FilterChainProxy;
import tools.jackson.databind.JsonNode;

/** Guest sessions over real HTTP and the real gateway: create, resume, origins, rate limit, confinement of guest tokens. */
class GuestSessionIntegrationTests extends DeskframeServerTest {

    private final GuestFixture guests = new GuestFixture(http);

    @Autowired
    FilterChainProxy security;

    @Test
    void whenAGuestRequestIsServedThenItsChainHoldsOnlyHeadersAndCorsAndTheAnswerStillCarriesTheSecurityHeaders() {
        List<String> filters = security.getFilters("/api/v2/guest/sessions").stream().map(f -> f.getClass().getSimpleName()).toList();
        // Every customer's first request runs this chain: no authentication is read on it, so nothing to authorise.
        assertThat(filters).contains("GuestCors", "HeaderWriterFilter")
                .doesNotContain("AuthorizationFilter", "AnonymousAuthenticationFilter", "BearerTokenAuthenticationFilter",
                        "SessionManagementFilter", "LogoutFilter", "ExceptionTranslationFilter", "SecurityContextHolderAwareRequestFilter");
        assertThat(security.getFilters("/api/v2/conversations/x/messages").stream().map(f -> f.getClass().getSimpleName()))
                .as("the API's own chain is not this one").doesNotContain("GuestCors").contains("AuthorizationFilter");

        String origin = GuestFixture.uniqueOrigin();
        Reply r = guests.session(origin, "deployment", guests.deployment(origin));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(r.header("Cache-Control")).contains("no-store");
        assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
        Reply unknown = guests.session(origin, "deployment", "no-such-deployment");
        assertThat(unknown.json().get("code").asString()).as(unknown.body()).isEqualTo("guest.deployment_unknown");
        assertThat(unknown.header("X-Content-Type-Options")).isEqualTo("nosniff");
    }

    @Test
    void whenAllowedPageOpensASessionThenItGetsAGuestTokenAResumeCredentialAndTheGreeting() {
        String origin = GuestFixture.uniqueOrigin();
        String dep = guests.deployment(origin);
        Reply r = guests.session(origin, "deployment", dep);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        JsonNode s = r.json();
        assertThat(s.get("resumed").asBoolean()).isFalse();
        assertThat(s.get("resume").asString()).startsWith("gr_");
        assertThat(s.get("customer").get("verified").asBoolean()).isFalse();
        assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo(origin);
        String conv = s.get("conversation").asString();

        // The guest token's own view: scope guest only, bound to the customer, deployment and conversation.
        JsonNode history = http.get("/api/v2/conversations/" + conv + "/messages", s.get("token").asString()).json();
        assertThat(history.get("messages")).hasSize(1);
        JsonNode greeting = history.get("messages").get(0);
        assertThat(greeting.get("text").asString()).isEqualTo("Hello from " + dep);
        assertThat(greeting.get("sender").get("kind").asString()).isEqualTo("queue");
        assertThat(greeting.get("sender").get("id").asString()).isEqualTo("demo-support");
    }

    @Test
    void whenAGuestTokenIsIssuedThenItIsSignedWithTheServerKeyOfAPublishedKidThatTheJwksDoesNotCarry() throws Exception {
        String origin = GuestFixture.uniqueOrigin();
        JsonNode session = guests.session(origin, "deployment", guests.deployment(origin)).json();
        String token = session.get("token").asString();
        com.nimbusds.jose.JWSHeader header = com.nimbusds.jwt.SignedJWT.parse(token).getHeader();

        assertThat(header.getAlgorithm().getName()).isEqualTo("HS256");
        JsonNode jwks = http.get("/oauth2/jwks", null).json();
        List<String> kids = jwks.get("keys").valueStream().map(k -> k.get("kid").asString()).toList();
        assertThat(kids).contains(header.getKeyID());
        // Public RSA keys only: no symmetric key is ever published.
        assertThat(jwks.get("keys").valueStream().map(k -> k.get("kty").asString()).toList()).containsOnly("RSA");
        // The one access-token verifier accepts it where a guest token may go.
        Reply history = http.get("/api/v2/conversations/" + session.get("conversation").asString() + "/messages", token);
        assertThat(history.status()).as(history.body()).isEqualTo(200);
    }

    @Test
    void whenTheSameBrowserComesBackWithItsResumeCredentialThenItGetsTheSameConversationAndTranscript() {
        String origin = GuestFixture.uniqueOrigin();
        String dep = guests.deployment(origin);
        JsonNode first = guests.session(origin, "deployment", dep).json();
        String conv = first.get("conversation").asString();
        try (StreamClient c = StreamClient.connect(BASE, BASE)) {
            customer(c, first.get("token").asString(), origin);
            c.sendFrame("op", "send", "id", "s1", "conversation", conv, "clientMessageId", "m-1", "text", "my order is late");
            assertThat(c.nextOp("ack").get("seq").asLong()).isEqualTo(2);
        }
        Reply again = guests.session(origin, "deployment", dep, "resume", first.get("resume").asString());
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().get("resumed").asBoolean()).isTrue();
        assertThat(again.json().get("conversation").asString()).isEqualTo(conv);
        assertThat(again.json().get("customer").get("id").asString()).isEqualTo(first.get("customer").get("id").asString());
        // A reload replays the whole transcript from 0 over the gateway.
        try (StreamClient c = StreamClient.connect(BASE, BASE)) {
            customer(c, again.json().get("token").asString(), origin);
            c.sendFrame("op", "resume", "id", "r", "positions", Map.of(conv, 0));
            assertThat(c.nextOp("message").get("text").asString()).isEqualTo("Hello from " + dep);
            assertThat(c.nextOp("message").get("text").asString()).isEqualTo("my order is late");
            assertThat(c.nextOp("caught_up").get("seq").asLong()).isEqualTo(2);
        }
    }

    @Test
    void whenTheResumeCredentialIsUnknownOrOfAnotherDeploymentThenSessionExpiredSaysStartAnew() {
        String origin = GuestFixture.uniqueOrigin();
        String dep = guests.deployment(origin);
        String other = guests.deployment(origin);
        String resume = guests.session(origin, "deployment", other).json().get("resume").asString();
        Reply foreign = guests.session(origin, "deployment", dep, "resume", resume);
        assertThat(foreign.status()).isEqualTo(401);
        assertThat(foreign.json().get("code").asString()).isEqualTo("guest.session_expired");
        assertThat(foreign.json().get("message").asString()).contains("another messenger deployment");
        Reply unknown = guests.session(origin, "deployment", dep, "resume", "gr_nothing-like-this");
        assertThat(unknown.json().get("code").asString()).isEqualTo("guest.session_expired");
        assertThat(unknown.json().get("hint").asString()).contains("without 'resume'");
    }

    @Test
    void whenThePageOriginIsNotAllowedThenTheSessionIsRefusedNamingDeploymentAndOrigin() {
        String origin = GuestFixture.uniqueOrigin();
        String dep = guests.deployment(origin);
        Reply r = guests.session("https://evil.example", "deployment", dep);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().get("code").asString()).isEqualTo("guest.origin_not_allowed");
        assertThat(r.json().get("message").asString()).contains("https://evil.example", dep, origin);
        assertThat(r.json().get("hint").asString()).contains("Add 'https://evil.example'");
        // The refusal is readable by the page (CORS), so the messenger can show it.
        assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("https://evil.example");
        Reply none = guests.session(null, "deployment", dep);
        assertThat(none.json().get("code").asString()).isEqualTo("guest.origin_not_allowed");
    }

    @Test
    void whenTheDeploymentDoesNotExistThenDeploymentUnknown() {
        Reply r = guests.session("https://shop.example", "deployment", "no-such-deployment");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("code").asString()).isEqualTo("guest.deployment_unknown");
        assertThat(r.json().get("message").asString()).contains("no-such-deployment");
        Reply page = http.get("/embed/v1/messenger/no-such-deployment", null);
        assertThat(page.status()).isEqualTo(404);
        assertThat(page.header("X-Deskframe-Error")).isEqualTo("guest.deployment_unknown");
        assertThat(page.body()).contains("no-such-deployment");
    }

    @Test
    void whenTheMessengerPanelIsServedThenOnlyTheDeploymentsOriginsMayFrameIt() {
        String origin = GuestFixture.uniqueOrigin();
        String dep = guests.deployment(origin);
        Reply page = http.get("/embed/v1/messenger/" + dep, null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Security-Policy")).endsWith("frame-ancestors " + origin);
        assertThat(page.body()).contains("/embed/v1/widgets/messenger.js", "deskframe-gateway");
        assertThat(http.get("/embed/v1/messenger.js", null).status()).isEqualTo(200);
        assertThat(http.get("/embed/v1/messenger.d.ts", null).status()).isEqualTo(200);
    }

    @Test
    void whenOneOriginAndAddressFloodsThenGuestRateLimitedWithRetryAfter() {
        String origin = GuestFixture.uniqueOrigin();
        String dep = guests.deployment(origin);
        Reply refused = null;
        int created = 0;
        for (int i = 0; i < 30 && refused == null; i++) {
            Reply r = guests.session(origin, "deployment", dep);
            if (r.status() == 429) refused = r;
            else created++;
        }
        assertThat(refused).as("a flood is refused").isNotNull();
        assertThat(created).isBetween(10, 12);
        assertThat(refused.json().get("code").asString()).isEqualTo("guest.rate_limited");
        assertThat(Long.parseLong(refused.header("Retry-After"))).isPositive();
        assertThat(refused.json().get("retryAfterSeconds").asLong()).isPositive();
        // Another origin (another site) is not affected.
        String elsewhere = GuestFixture.uniqueOrigin();
        assertThat(guests.session(elsewhere, "deployment", guests.deployment(elsewhere)).status()).isEqualTo(201);
    }

    @Test
    void whenAGuestTokenReachesForAnotherConversationOrAnyOtherApiThenItGetsTheSame404AsWhatDoesNotExist() {
        String origin = GuestFixture.uniqueOrigin();
        String dep = guests.deployment(origin);
        String mine = guests.session(origin, "deployment", dep).json().get("token").asString();
        String theirs = guests.session(origin, "deployment", dep).json().get("conversation").asString();
        String agentConversation = agentConversation();

        Reply other = http.get("/api/v2/conversations/" + theirs + "/messages", mine);
        Reply missing = http.get("/api/v2/conversations/c_doesnotexist/messages", mine);
        assertThat(other.status()).isEqualTo(404);
        assertThat(other.body().replace(theirs, "X")).isEqualTo(missing.body().replace("c_doesnotexist", "X"));
        assertThat(http.get("/api/v2/conversations/" + agentConversation + "/messages", mine).body().replace(agentConversation, "X"))
                .isEqualTo(missing.body().replace("c_doesnotexist", "X"));

        String agent = http.agentToken("demo-backend", "agent1", "messaging:read messaging:write");
        String nothing = http.get("/api/v2/nothing-here", agent).body().replace("/api/v2/nothing-here", "P");
        for (String path : List.of("/api/v2/tokens/me", "/api/v2/authorize?widgets=messaging", "/api/v2/conversations",
                "/api/v2/admin/orgs", "/api/v2/admin/orgs/demo/messenger-deployments")) {
            Reply asGuest = http.get(path, mine);
            String bare = path.replaceAll("\\?.*", "");
            assertThat(asGuest.status()).as(path).isEqualTo(404);
            assertThat(asGuest.body().replace(bare, "P")).as(path).isEqualTo(nothing);
        }
        Reply post = http.send("POST", "/api/v2/admin/orgs", mine, "{\"id\":\"x\",\"name\":\"x\"}");
        assertThat(post.status()).isEqualTo(404);
    }

    @Test
    void whenACustomerHandshakesThenItTalksInItsConversationOnlyAndCannotStartOthers() {
        String origin = GuestFixture.uniqueOrigin();
        String dep = guests.deployment(origin);
        JsonNode s = guests.session(origin, "deployment", dep).json();
        String conv = s.get("conversation").asString();
        String otherConv = guests.session(origin, "deployment", dep).json().get("conversation").asString();
        try (StreamClient c = StreamClient.connect(BASE, BASE)) {
            JsonNode ready = customer(c, s.get("token").asString(), origin);
            assertThat(ready.get("widget").asString()).isEqualTo("messenger");
            assertThat(ready.get("scopes").toString()).isEqualTo("[\"guest\"]");
            c.sendFrame("op", "typing", "conversation", conv);
            c.sendFrame("op", "send", "id", "s1", "conversation", conv, "clientMessageId", "m-1", "text", "hi");
            JsonNode ack = c.nextOp("ack");
            assertThat(ack.get("seq").asLong()).isEqualTo(2);
            c.sendFrame("op", "receipt", "id", "rc", "conversation", conv, "kind", "read", "seq", 1);
            assertThat(c.nextOp("receipt_ok").get("seq").asLong()).isEqualTo(1);
            c.sendFrame("op", "send", "id", "s2", "conversation", otherConv, "clientMessageId", "m-2", "text", "sneaky");
            JsonNode refused = c.nextOp("error");
            assertThat(refused.get("code").asString()).isEqualTo("resource.not_found");
            c.sendFrame("op", "start_conversation", "id", "st", "agents", List.of("agent1"), "subject", "x");
            assertThat(c.nextOp("error").get("message").asString()).contains("POST /api/v2/guest/sessions");
            c.sendFrame("op", "list_conversations", "id", "l");
            JsonNode list = c.nextOp("conversations");
            assertThat(list.get("conversations")).hasSize(1);
            assertThat(list.get("conversations").get(0).get("id").asString()).isEqualTo(conv);
        }
    }

    @Test
    void whenTheMessengerIsEmbeddedOnAnOriginTheDeploymentDoesNotAllowThenTheHandshakeNamesIt() {
        String origin = GuestFixture.uniqueOrigin();
        String dep = guests.deployment(origin);
        String token = guests.session(origin, "deployment", dep).json().get("token").asString();
        try (StreamClient c = StreamClient.connect(BASE, BASE)) {
            c.sendFrame("op", "authenticate", "id", "a", "token", token, "widget", "messenger", "embedOrigin", "https://other.example");
            JsonNode error = c.nextOp("error");
            assertThat(error.get("code").asString()).isEqualTo("guest.origin_not_allowed");
            assertThat(error.get("message").asString()).contains("https://other.example", dep);
            assertThat(c.closeCode()).isEqualTo(4341);
        }
        String agent = http.agentToken("demo-backend", "agent1", "messaging:read messaging:write");
        try (StreamClient c = StreamClient.connect(BASE, BASE)) {
            c.sendFrame("op", "authenticate", "id", "a", "token", agent, "widget", "messenger", "embedOrigin", origin);
            assertThat(c.nextOp("error").get("code").asString()).isEqualTo("guest.token_required");
        }
        // The dry run says the same as the handshake.
        JsonNode dryRun = http.get("/api/v2/authorize?widgets=messenger", agent).json().get("widgets").get("messenger");
        assertThat(dryRun.get("ready").asBoolean()).isFalse();
        assertThat(dryRun.get("problems").get(0).get("code").asString()).isEqualTo("guest.token_required");
        try (StreamClient c = StreamClient.connect(BASE, BASE)) {
            c.sendFrame("op", "authenticate", "id", "a", "token", token, "widget", "messaging");
            assertThat(c.nextOp("error").get("code").asString()).isEqualTo("token.not_agent");
        }
        // Deleting the deployment shuts its messengers out at their next handshake.
        assertThat(http.send("DELETE", GuestFixture.DEPLOYMENTS + "/" + dep, guests.admin(), null).status()).isEqualTo(204);
        try (StreamClient c = StreamClient.connect(BASE, BASE)) {
            c.sendFrame("op", "authenticate", "id", "a", "token", token, "widget", "messenger", "embedOrigin", origin);
            assertThat(c.nextOp("error").get("code").asString()).isEqualTo("guest.deployment_unknown");
        }
    }

    @Test
    void whenAnAgentSendsIntoTheCustomersConversationThenTheCustomerReceivesIt() {
        // Routing adds agents; here the agent's side is simulated by a second customer session of the same browser.
        String origin = GuestFixture.uniqueOrigin();
        String dep = guests.deployment(origin);
        JsonNode s = guests.session(origin, "deployment", dep).json();
        String conv = s.get("conversation").asString();
        JsonNode again = guests.session(origin, "deployment", dep, "resume", s.get("resume").asString()).json();
        try (StreamClient tab1 = StreamClient.connect(BASE, BASE); StreamClient tab2 = StreamClient.connect(BASE, BASE)) {
            customer(tab1, s.get("token").asString(), origin);
            customer(tab2, again.get("token").asString(), origin);
            tab1.sendFrame("op", "send", "id", "s1", "conversation", conv, "clientMessageId", "m-1", "text", "from tab 1");
            // tab2 named no position: what the customer has not acknowledged (the greeting) comes first, then the new one.
            assertThat(tab2.next(f -> "message".equals(f.get("op").asString()), Duration.ofSeconds(10)).get("text").asString())
                    .isEqualTo("Hello from " + dep);
            JsonNode m = tab2.next(f -> "message".equals(f.get("op").asString()), Duration.ofSeconds(10));
            assertThat(m.get("text").asString()).isEqualTo("from tab 1");
        }
    }

    @Test
    void whenDoctorProbesThenEveryCheckRunsAndATokenIsIssuedButNoConversationOpens() {
        String origin = GuestFixture.uniqueOrigin();
        String dep = guests.deployment(origin);
        Reply probe = guests.session(origin, "deployment", dep, "probe", true);
        assertThat(probe.status()).as(probe.body()).isEqualTo(201);
        assertThat(probe.json().get("probe").asBoolean()).isTrue();
        assertThat(probe.json().has("resume")).isFalse();
        try (StreamClient c = StreamClient.connect(BASE, BASE)) {
            customer(c, probe.json().get("token").asString(), origin);
            c.sendFrame("op", "list_conversations", "id", "l");
            assertThat(c.nextOp("conversations").get("conversations")).isEmpty();
        }
        assertThat(guests.session("https://elsewhere.example", "deployment", dep, "probe", true).json().get("code").asString())
                .isEqualTo("guest.origin_not_allowed");
    }

    static JsonNode customer(StreamClient c, String token, String embedOrigin) {
        c.sendFrame("op", "authenticate", "id", "auth", "token", token, "widget", "messenger", "embedOrigin", embedOrigin);
        JsonNode ready = c.next();
        assertThat(ready.get("op").asString()).as(ready.toString()).isEqualTo("ready");
        return ready;
    }

    private String agentConversation() {
        try (StreamClient a = StreamClient.connect(BASE)) {
            a.authenticate(http.agentToken("demo-backend", "agent1", "messaging:read messaging:write"), "messaging");
            a.sendFrame("op", "start_conversation", "id", "st", "agents", List.of("agent2"), "subject", "internal");
            return a.nextOp("conversation").get("conversation").get("id").asString();
        }
    }

    static String json(Object... kv) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return TestClient.JSON.writeValueAsString(m);
    }
}
