package org.deskframe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The load driver's own arithmetic and the assertions it signs, so its figures measure what they say. */
class TokenEndpointLoadTests {

    @Test
    void percentilesAreNearestRankInMilliseconds() {
        long[] sorted = new long[100];
        for (int i = 0; i < 100; i++) sorted[i] = (i + 1) * 1_000_000L;

        assertThat(TokenEndpointLoad.percentile(sorted, 50)).isEqualTo(50.0);
        assertThat(TokenEndpointLoad.percentile(sorted, 99)).isEqualTo(99.0);
        assertThat(TokenEndpointLoad.percentile(new long[] {7_000_000L}, 99)).isEqualTo(7.0);
        assertThat(TokenEndpointLoad.percentile(new long[0], 50)).isZero();
    }

    @Test
    void eachAssertionIsAFreshHs256JwtForTheAgent() throws Exception {
        String secret = "bench-secret-0123456789abcdef-0123456789";
        SignedJWT one = SignedJWT.parse(TokenEndpointLoad.assertion("bench-backend", secret, "agent1", "http://127.0.0.1/oauth2/token"));
        SignedJWT two = SignedJWT.parse(TokenEndpointLoad.assertion("bench-backend", secret, "agent1", "http://127.0.0.1/oauth2/token"));

        assertThat(one.verify(new MACVerifier(secret.getBytes(StandardCharsets.UTF_8)))).isTrue();
        assertThat(one.getJWTClaimsSet().getIssuer()).isEqualTo("bench-backend");
        assertThat(one.getJWTClaimsSet().getSubject()).isEqualTo("agent1");
        assertThat(one.getJWTClaimsSet().getAudience()).containsExactly("http://127.0.0.1/oauth2/token");
        assertThat(one.getJWTClaimsSet().getJWTID()).isNotEqualTo(two.getJWTClaimsSet().getJWTID());
    }

    @Test
    void theServersCpuTimeIsReadFromProc() {
        assertThat(TokenEndpointLoad.cpuTicks(ProcessHandle.current().pid())).isPositive();
        assertThat(TokenEndpointLoad.cpuTicks(-1)).isZero();
    }
}
