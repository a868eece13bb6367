package org.deskframe.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.deskframe.diagnostics.ProblemException;
import org.junit.jupiter.api.Test;

/** Runs each benchmark body once (not JMH), so that a benchmark never silently measures a refusal. */
class AccessTokenVerificationBenchmarkTests {

    @Test
    void everyVariantVerifiesTheBenchmarkToken() {
        AccessTokenVerificationBenchmark bench = new AccessTokenVerificationBenchmark();
        bench.setUp();
        assertThat(bench.signatureOnParsedToken()).isTrue();
        assertThat(bench.signatureAndClaims().getSubject()).isEqualTo(InMemoryIdentity.AGENT_ID);
        assertThat(bench.fullVerifier().agentId()).isEqualTo(InMemoryIdentity.AGENT_ID);
        assertThat(bench.cachedVerifierHit()).isEqualTo(bench.fullVerifier());
    }

    @Test
    void theCacheHonoursRevocationOnAHit() {
        InMemoryIdentity identity = new InMemoryIdentity();
        AccessTokenVerifier verifier = identity.verifier();
        VerifiedTokenCache cache = new VerifiedTokenCache(verifier::verify, identity.ledger, 10);
        String token = identity.issueAgentToken(Duration.ofMinutes(5));
        VerifiedToken first = cache.verify(token);

        identity.ledger.revoke(first.jti());

        assertThatThrownBy(() -> cache.verify(token)).isInstanceOf(ProblemException.class)
                .hasMessageContaining("token.revoked");
    }
}
