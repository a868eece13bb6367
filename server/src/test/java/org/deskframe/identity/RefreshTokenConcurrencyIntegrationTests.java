package org.deskframe.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.deskframe.testing.ClusterDeployment;
import org.deskframe.testing.ServerInstance;
import org.deskframe.testing.TestClient;
import org.deskframe.testing.TestClient.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One refresh token presented many times at once, on two nodes over one PostgreSQL schema: a client's retries racing
 * each other. Exactly one is redeemed; the others are told {@code refresh.rotated} (within the leeway: a retry, not a
 * theft), nothing is revoked, and the winner's new tokens work. (RefreshTokenRotationIntegrationTests: the same on the
 * embedded H2, and reuse after the leeway.)
 */
class RefreshTokenConcurrencyIntegrationTests {

    static final String CLIENT = "demo-backend";
    static final String SECRET = CLIENT + TestClient.DEMO_SECRET_SUFFIX;
    static final String CALLBACK = "http://localhost:8081/oauth/callback";

    static ClusterDeployment<ServerInstance> deployment;
    static ServerInstance nodeA;
    static ServerInstance nodeB;

    @BeforeAll
    static void start() throws Exception {
        deployment = ClusterDeployment.of("deskframe_refresh", 2).inProcess();
        nodeA = deployment.node(0);
        nodeB = deployment.node(1);
    }

    @AfterAll
    static void stop() throws Exception {
        if (deployment != null) deployment.close();
    }

    @Test
    void oneRefreshTokenPresentedOnBothNodesAtOnceIsRedeemedExactlyOnceAndRevokesNothing() throws Exception {
        String refreshToken = codeFlowRefreshToken("agent1");
        List<Reply> replies = race(refreshToken, 8);

        List<Reply> won = replies.stream().filter(r -> r.status() == 200).toList();
        assertThat(won).as(replies.stream().map(Reply::body).toList().toString()).hasSize(1);
        for (Reply lost : replies) {
            if (lost == won.getFirst()) continue;
            assertThat(lost.status()).as(lost.body()).isEqualTo(400);
            assertThat(lost.json().get("error").asString()).isEqualTo("invalid_grant");
            assertThat(lost.json().get("code").asString()).as(lost.body()).isEqualTo("refresh.rotated");
        }
        // A retry race is not a theft: the winner's tokens live on, on both nodes.
        String access = won.getFirst().json().get("access_token").asString();
        assertThat(nodeA.http().get("/api/v2/tokens/me", access).status()).isEqualTo(200);
        assertThat(nodeB.http().get("/api/v2/tokens/me", access).status()).isEqualTo(200);
        Reply next = refresh(nodeB.http(), won.getFirst().json().get("refresh_token").asString());
        assertThat(next.status()).as(next.body()).isEqualTo(200);
    }

    /** {@code n} refresh requests with the same token, half on each node, released at the same moment. */
    private static List<Reply> race(String refreshToken, int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Reply>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                TestClient http = (i % 2 == 0 ? nodeA : nodeB).http();
                futures.add(pool.submit(() -> {
                    go.await();
                    return refresh(http, refreshToken);
                }));
            }
            go.countDown();
            List<Reply> replies = new ArrayList<>();
            for (Future<Reply> f : futures) replies.add(f.get());
            return replies;
        } finally {
            pool.shutdownNow();
        }
    }

    private static Reply refresh(TestClient http, String refreshToken) {
        return http.form("/oauth2/token", CLIENT, SECRET, Map.of("grant_type", "refresh_token", "refresh_token", refreshToken));
    }

    /** The code flow on node A, like the example desktop's backend: the agent's first refresh token. */
    private static String codeFlowRefreshToken(String username) throws Exception {
        CodeVerifier verifier = new CodeVerifier();
        AuthorizationRequest request = new AuthorizationRequest.Builder(new ResponseType(ResponseType.Value.CODE), new ClientID(CLIENT))
                .endpointURI(URI.create(nodeA.base() + "/oauth2/authorize")).redirectionURI(URI.create(CALLBACK))
                .scope(new Scope("messaging:read", "messaging:write")).state(new State())
                .codeChallenge(verifier, CodeChallengeMethod.S256).build();
        AgentBrowser.Page landing = new AgentBrowser(nodeA.base()).authorize(request.toURI(), username, DemoSettings.agentPassword(username));
        String code = AuthorizationResponse.parse(landing.location()).toSuccessResponse().getAuthorizationCode().getValue();
        Reply tokens = nodeA.http().form("/oauth2/token", CLIENT, SECRET, Map.of("grant_type", "authorization_code", "code", code,
                "redirect_uri", CALLBACK, "code_verifier", verifier.getValue()));
        assertThat(tokens.status()).as(tokens.body()).isEqualTo(200);
        return tokens.json().get("refresh_token").asString();
    }
}
