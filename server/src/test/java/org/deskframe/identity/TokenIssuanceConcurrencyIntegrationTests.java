package org.deskframe.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.JWTBearerGrant;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Issuing under concurrency, where token rows and used assertions are group-committed: every token answered is live
 * (introspectable, accepted, in the ledger once), and one assertion presented many times at once gets exactly one
 * token, without failing the other requests committed beside it.
 */
class TokenIssuanceConcurrencyIntegrationTests extends AuthorizationServerTest {

    static final int CLIENTS = 32;
    static final int TOKENS_PER_CLIENT = 6;

    @Test
    void whenManyClientsAskAtOnceThenEveryTokenAnsweredIsLiveAndLedgeredOnce() throws Exception {
        OAuthClient client = newClient("demo");
        Agent agent = newAgent("demo");
        List<Callable<String>> requests = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            boolean bearer = i % 2 == 0;
            requests.add(() -> {
                StringBuilder tokens = new StringBuilder();
                for (int n = 0; n < TOKENS_PER_CLIENT; n++) {
                    Exchange e = bearer
                            ? token(basic(client.clientId()), new JWTBearerGrant(hs256Assertion(client.clientId(),
                                    assertionClaims(client.clientId(), agent.username()).build())), null)
                            : token(basic(client.clientId()), new ClientCredentialsGrant(), null);
                    tokens.append(e.accessToken().getValue()).append(' ');
                }
                return tokens.toString();
            });
        }
        List<String> tokens = new ArrayList<>();
        for (String batch : allAtOnce(requests)) tokens.addAll(List.of(batch.trim().split(" ")));

        assertThat(tokens).hasSize(CLIENTS * TOKENS_PER_CLIENT).doesNotHaveDuplicates();
        Set<String> jtis = new HashSet<>();
        for (String token : tokens) {
            String jti = SignedJWT.parse(token).getJWTClaimsSet().getJWTID();
            jtis.add(jti);
            assertThat(jdbc.sql("select count(*) from access_token_ledger where jti = ? and revoked_at is null").param(jti)
                    .query(Long.class).single()).as("ledger rows of %s", jti).isEqualTo(1L);
            TokenIntrospectionResponse r = TokenIntrospectionResponse.parse(new TokenIntrospectionRequest(
                    metadata().getIntrospectionEndpointURI(), basic(client.clientId()), new BearerAccessToken(token))
                    .toHTTPRequest().send());
            assertThat(r.toSuccessResponse().isActive()).as("introspection of %s", jti).isTrue();
        }
        assertThat(jtis).hasSize(tokens.size());
        // And accepted where tokens are checked (the ledger is asked there too).
        for (String token : tokens.subList(0, 8)) assertThat(http.get("/api/v2/tokens/me", token).status()).isEqualTo(200);
    }

    @Test
    void whenOneAssertionIsPresentedManyTimesAtOnceThenExactlyOneTokenIsIssuedAndOthersInTheGroupAreNot() throws Exception {
        OAuthClient client = newClient("demo");
        Agent agent = newAgent("demo");
        SignedJWT replayed = hs256Assertion(client.clientId(), assertionClaims(client.clientId(), agent.username()).build());
        List<Callable<Exchange>> requests = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            // Every other request a fresh assertion: it must not be failed by the replays committed beside it.
            SignedJWT assertion = i % 2 == 0 ? replayed
                    : hs256Assertion(client.clientId(), assertionClaims(client.clientId(), agent.username()).build());
            requests.add(() -> token(basic(client.clientId()), new JWTBearerGrant(assertion), null));
        }
        List<Exchange> answers = allAtOnce(requests);

        List<Exchange> ofReplayed = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            if (i % 2 == 0) ofReplayed.add(answers.get(i));
            else assertThat(answers.get(i).ok()).as(answers.get(i).http().getBody()).isTrue();
        }
        List<Exchange> won = ofReplayed.stream().filter(Exchange::ok).toList();
        assertThat(won).as("tokens for the one assertion").hasSize(1);
        for (Exchange lost : ofReplayed) {
            if (lost == won.getFirst()) continue;
            assertThat(lost.error()).isEqualTo("invalid_grant");
            assertThat(lost.code()).as(lost.http().getBody()).isEqualTo("assertion.replayed");
        }
        assertThat(jdbc.sql("select count(*) from used_assertions where issuer = ? and jti = ?")
                .params(client.clientId(), replayed.getJWTClaimsSet().getJWTID()).query(Long.class).single()).isEqualTo(1L);
        // The ledger holds the twelve fresh tokens and the one winner, nothing for the refused replays.
        assertThat(jdbc.sql("select count(*) from access_token_ledger where client_id = ? and subject = ?")
                .params(client.clientId(), agent.id()).query(Long.class).single()).isEqualTo(13L);
    }

    /** Runs every request on its own thread, released together. */
    private static <T> List<T> allAtOnce(List<Callable<T>> requests) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(requests.size());
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> r : requests) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return r.call();
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) results.add(f.get(120, java.util.concurrent.TimeUnit.SECONDS));
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
