package org.deskframe.embed;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import org.deskframe.testing.DeskframeServerTest;
import org.deskframe.testing.TestClient.Reply;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** What the platform serves for embedding, over real HTTP: the module with CORS, widget pages with exact frame-ancestors. */
class EmbedIntegrationTests extends DeskframeServerTest {

    @Test
    void theClientModuleIsPublicAndImportableFromAnyOrigin() {
        Reply r = http.get("/embed/v1/deskframe.js", null, "Origin", "https://desk.integrator.example");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/javascript");
        assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(r.header("Cross-Origin-Resource-Policy")).isEqualTo("cross-origin");
        assertThat(r.body()).contains("export class EmbeddingClient");
        for (String dependency : new String[] {"/embed/v1/codes.js", "/embed/v1/core.js"}) {
            Reply d = http.get(dependency, null);
            assertThat(d.status()).as(dependency).isEqualTo(200);
            assertThat(d.header("Access-Control-Allow-Origin")).as(dependency).isEqualTo("*");
        }
    }

    @Test
    void theTypeDeclarationsAreServedNextToTheModule() {
        Reply r = http.get("/embed/v1/deskframe.d.ts", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("application/typescript");
        assertThat(r.body()).contains("export class EmbeddingClient").contains("getAccessToken");
    }

    @Test
    void anUnchangedAssetIsRevalidatedWithItsEtag() {
        Reply first = http.get("/embed/v1/deskframe.js", null);
        Reply again = http.get("/embed/v1/deskframe.js", null, "If-None-Match", first.header("ETag"));
        assertThat(again.status()).isEqualTo(304);
    }

    @Test
    void unknownAssetsAreNotFound() {
        assertThat(http.get("/embed/v1/nothing.js", null).status()).isEqualTo(404);
        assertThat(http.get("/embed/v1/widgets/nothing.js", null).status()).isEqualTo(404);
    }

    @Test
    void aWidgetPageMayBeFramedExactlyByTheClientsAllowedOrigins() {
        Reply r = http.get("/embed/v1/widgets/messaging?client=demo-backend", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("X-Frame-Options")).isNull();
        assertThat(frameAncestors(r)).isEqualTo(new TreeSet<>(Set.of(BASE, BASE.replace("localhost", "127.0.0.1"),
                "http://localhost:8081", "http://127.0.0.1:8081", "https://desk.integrator.example")));
        assertThat(r.header("Content-Security-Policy")).contains("script-src 'self'").contains("connect-src 'self' ws://");
        assertThat(r.body()).contains("/embed/v1/widgets/messaging.js").doesNotContain("token=");
    }

    @Test
    void voiceAndVideoPagesLoadTheirCallWidgetsAllowedToPlayMedia() {
        for (String widget : new String[] {"voice", "video"}) {
            Reply r = http.get("/embed/v1/widgets/" + widget + "?client=demo-backend", null);
            assertThat(r.status()).as(widget).isEqualTo(200);
            assertThat(r.body()).as(widget).contains("/embed/v1/widgets/" + widget + ".js")
                    .doesNotContain("unavailable.js").contains("data-notice=\"\"");
            assertThat(r.header("Content-Security-Policy")).as(widget).contains("media-src 'self' blob: mediastream:");
        }
    }

    @Test
    void embedDiscoveryAnnouncesTheNamesOfTheDeploymentAndWhichWidgetsItCanStart() {
        JsonNode body = http.get("/embed/v1/env", null).json();
        // The env rule EmbeddingClient and deskframe doctor share: these names, and no others, are this deployment.
        assertThat(body.get("origins").toString()).isEqualTo("[\"" + BASE + "\",\"" + BASE.replace("localhost", "127.0.0.1") + "\"]");
        JsonNode widgets = body.get("widgets");
        assertThat(widgets.get("messaging").get("enabled").asBoolean()).isTrue();
        assertThat(widgets.get("messaging").has("notice")).isFalse();
        assertThat(widgets.get("voice").get("enabled").asBoolean()).isTrue();
        assertThat(widgets.get("voice").has("notice")).isFalse();
        assertThat(widgets.get("video").get("enabled").asBoolean()).isTrue();
    }

    @Test
    void anUnknownClientGetsFrameAncestorsNoneAndAPageThatSaysWhy() {
        Reply r = http.get("/embed/v1/widgets/messaging?client=no-such-client", null);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.header("Content-Security-Policy")).contains("frame-ancestors 'none'");
        assertThat(r.header("X-Deskframe-Error")).isEqualTo("client.unknown");
        assertThat(r.body()).contains("OAuth client no-such-client is unknown or disabled.").contains("client.unknown");
    }

    @Test
    void aWidgetPageWithoutClientSaysWhatIsMissing() {
        Reply r = http.get("/embed/v1/widgets/messaging", null);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.header("Content-Security-Policy")).contains("frame-ancestors 'none'");
        assertThat(r.body()).contains("?client=&lt;client id&gt;");
    }

    @Test
    void anUnknownWidgetIsNotFound() {
        Reply r = http.get("/embed/v1/widgets/fax?client=demo-backend", null);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.body()).contains("known widgets: messaging, voice, video");
    }

    @Test
    void embedDiscoveryNamesTheIssuerAndRegionToAnyOrigin() {
        Reply r = http.get("/embed/v1/env", null, "Origin", "https://desk.integrator.example");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("*");
        JsonNode body = r.json();
        assertThat(body.get("issuer").asString()).isEqualTo(BASE);
        assertThat(body.get("region").asString()).isEqualTo("local");
        assertThat(body.has("embed")).isFalse();
    }

    @Test
    void embedDiscoveryAllowsAListedOrigin() {
        JsonNode embed = http.get("/embed/v1/env?client=demo-backend&origin=https://desk.integrator.example", null).json().get("embed");
        assertThat(embed.get("allowed").asBoolean()).isTrue();
        assertThat(embed.get("problems")).isEmpty();
    }

    @Test
    void embedDiscoveryRefusesAnOriginNotOnTheAllowlistWithTheCatalogueProblem() {
        JsonNode embed = http.get("/embed/v1/env?client=demo-backend&origin=https://evil.example", null).json().get("embed");
        assertThat(embed.get("allowed").asBoolean()).isFalse();
        JsonNode p = embed.get("problems").get(0);
        assertThat(p.get("code").asString()).isEqualTo("origin.not_allowed");
        assertThat(p.get("message").asString()).startsWith("The page origin 'https://evil.example' is not allowed to embed widgets for OAuth client demo-backend");
        assertThat(p.get("hint").asString()).contains("Add 'https://evil.example'");
    }

    @Test
    void embedDiscoveryNamesAClientWithoutEmbedAndAnUnknownClient() {
        assertThat(http.get("/embed/v1/env?client=demo-noembed", null).json().get("embed").get("problems").get(0)
                .get("code").asString()).isEqualTo("client.embed_not_allowed");
        assertThat(http.get("/embed/v1/env?client=nobody", null).json().get("embed").get("problems").get(0)
                .get("code").asString()).isEqualTo("client.unknown");
    }

    @Test
    void otherPagesStillRefuseFraming() {
        Reply r = http.get("/login", null);
        assertThat(r.header("Content-Security-Policy")).isEqualTo("frame-ancestors 'none'");
    }

    private static Set<String> frameAncestors(Reply r) {
        String csp = r.header("Content-Security-Policy");
        String directive = Arrays.stream(csp.split(";")).map(String::trim).filter(d -> d.startsWith("frame-ancestors "))
                .findFirst().orElseThrow();
        return new TreeSet<>(Arrays.asList(directive.substring("frame-ancestors ".length()).split(" ")));
    }
}
