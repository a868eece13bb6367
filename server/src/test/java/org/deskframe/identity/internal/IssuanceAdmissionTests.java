package org.deskframe.identity.internal;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.FilterChain;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.deskframe.identity.IdentitySettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class IssuanceAdmissionTests {

    private final IssuanceAdmission admission = new IssuanceAdmission(
            new IdentitySettings("k", null, null, null, null, 0, null, null, 1));
    private final CountDownLatch finish = new CountDownLatch(1);

    @AfterEach
    void finishAll() {
        finish.countDown();
    }

    @Test
    void whenTheOnlyPermitIsTakenThenTheNextTokenRequestWaitsUntilTheFirstWaitsForItsCommit() throws Exception {
        CountDownLatch firstComputing = new CountDownLatch(1);
        CountDownLatch firstCommitting = new CountDownLatch(1);
        CompletableFuture<Void> first = request("client_credentials", () -> {
            firstComputing.countDown();
            await(firstCommitting);
            admission.leave(); // as IssuanceGroupCommit does before waiting for the disk
            await(finish);
        });
        assertThat(firstComputing.await(5, TimeUnit.SECONDS)).isTrue();

        CountDownLatch secondComputing = new CountDownLatch(1);
        request("urn:ietf:params:oauth:grant-type:jwt-bearer", secondComputing::countDown);
        assertThat(secondComputing.await(300, TimeUnit.MILLISECONDS)).as("admitted while the permit is taken").isFalse();

        firstCommitting.countDown();
        assertThat(secondComputing.await(5, TimeUnit.SECONDS)).as("admitted once the first left").isTrue();
        assertThat(first).isNotDone();
    }

    @Test
    void aPermitGivenBackBeforeTheRequestEndsIsGivenBackOnce() throws Exception {
        request("client_credentials", admission::leave).get(5, TimeUnit.SECONDS);

        CountDownLatch holding = new CountDownLatch(1);
        request("client_credentials", () -> {
            holding.countDown();
            await(finish);
        });
        assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();
        CountDownLatch next = new CountDownLatch(1);
        request("client_credentials", next::countDown);
        assertThat(next.await(300, TimeUnit.MILLISECONDS)).as("a second permit appeared").isFalse();
    }

    @Test
    void requestsOfOtherGrantsAreNotQueued() throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        request("client_credentials", () -> {
            holding.countDown();
            await(finish);
        });
        assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();

        request("refresh_token", () -> {}).get(5, TimeUnit.SECONDS);
        request(null, () -> {}).get(5, TimeUnit.SECONDS);
    }

    /** One token request through the filter on its own thread; {@code work} runs where the authorization server would. */
    private CompletableFuture<Void> request(String grantType, Runnable work) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/oauth2/token");
        if (grantType != null) request.setParameter("grant_type", grantType);
        FilterChain chain = (req, res) -> work.run();
        return CompletableFuture.runAsync(() -> {
            try {
                admission.doFilter(request, new MockHttpServletResponse(), chain);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, r -> Thread.ofPlatform().daemon().start(r));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
