package org.deskframe.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.tokens.AccessTokenVerifier;
import org.deskframe.tokens.VerifiedToken;
import org.deskframe.tokens.VerifierFixture;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Runs each benchmark body once (not JMH), so that a benchmark never silently measures a refusal. */
class AccessTokenVerificationBenchmarkTests {

    @Test
    void everyVariantVerifiesTheBenchmarkToken() {
        AccessTokenVerificationBenchmark bench = new AccessTokenVerificationBenchmark();
        bench.setUp();
        assertThat(bench.signatureOnParsedToken()).isTrue();
        assertThat(bench.signatureAndClaims().getSubject()).isEqualTo(InMemoryIdentity.AGENT_ID);
        assertThat(bench.signatureWithVerifierReused()).isTrue();
        assertThat(bench.fullVerifier().agentId()).isEqualTo(InMemoryIdentity.AGENT_ID);
        assertThat(bench.repeatedToken().agentId()).isEqualTo(InMemoryIdentity.AGENT_ID);
    }

    @Test
    void theRepeatedTokenBenchmarkStillHonoursARevocationAtOnce() {
        AccessTokenVerificationBenchmark bench = new AccessTokenVerificationBenchmark();
        bench.setUp();
        VerifiedToken checked = bench.repeatedToken();

        bench.identity.ledger.revoke(checked.jti());
        VerifierFixture.tokensRevoked(bench.verifier, Set.of(checked.jti()));

        assertThatThrownBy(bench::repeatedToken).isInstanceOf(ProblemException.class).hasMessageContaining("token.revoked");
    }

    @Test
    void theVerifierBenchmarkedRefusesARevokedToken() {
        InMemoryIdentity identity = new InMemoryIdentity();
        AccessTokenVerifier verifier = identity.verifier();
        String token = identity.issueAgentToken(Duration.ofMinutes(5));
        VerifiedToken first = verifier.verify(token);

        identity.ledger.revoke(first.jti());
        VerifierFixture.tokensRevoked(verifier, Set.of(first.jti()));

        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(ProblemException.class)
                .hasMessageContaining("token.revoked");
    }
}
