package org.deskframe.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.deskframe.tokens.AccessTokenVerifier;
import org.deskframe.tokens.TokenCheckSettings;
import org.deskframe.tokens.VerifiedToken;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What checking one RS256 {@code at+jwt} access token costs on one thread, with the signing key already loaded:
 * the signature alone on a parsed token; parsing plus signature plus claims (what Nimbus does for the verifier); the
 * full {@link AccessTokenVerifier} over in-memory identity (no database), for a token it has not seen before (its
 * token cache turned off) and for a token it checked before (the server's cache settings: every live check still runs).
 * Run: {@code java -jar bench/target/benchmarks.jar AccessTokenVerification -f 1 -wi 3 -i 5}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class AccessTokenVerificationBenchmark {

    private static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");

    InMemoryIdentity identity;
    String token;
    SignedJWT parsed;
    RSAKey publicKey;
    AccessTokenVerifier verifier;
    /** The same verifier with no token cache: every check parses and verifies the signature. */
    AccessTokenVerifier uncachedVerifier;
    RSASSAVerifier reusedVerifier;
    java.security.interfaces.RSAPublicKey jdkKey;
    byte[] signingInput;
    byte[] signatureBytes;

    @Setup
    public void setUp() {
        identity = new InMemoryIdentity();
        token = identity.issueAgentToken(Duration.ofHours(1));
        publicKey = identity.keys.publicKey();
        verifier = identity.verifier();
        uncachedVerifier = identity.verifier(new TokenCheckSettings(0, null));
        try {
            reusedVerifier = new RSASSAVerifier(publicKey);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        try {
            parsed = SignedJWT.parse(token);
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
        try {
            jdkKey = publicKey.toRSAPublicKey();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        signingInput = token.substring(0, token.lastIndexOf('.')).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        signatureBytes = java.util.Base64.getUrlDecoder().decode(token.substring(token.lastIndexOf('.') + 1));
        // Every variant must succeed on this token, or it would measure a failure path.
        if (!jdkSignatureOnly() || !signatureOnParsedToken() || !signatureWithVerifierReused() || signatureAndClaims().getSubject() == null
                || fullVerifier().agentId() == null || repeatedToken().agentId() == null) {
            throw new IllegalStateException("the benchmark token does not verify");
        }
    }

    /**
     * (0) The JDK's SHA256withRSA alone, on bytes decoded beforehand: the raw RS256 rate, the floor of any check of a
     * new token (no JWT library, no base64, no JSON).
     */
    @Benchmark
    public boolean jdkSignatureOnly() {
        try {
            java.security.Signature rs256 = java.security.Signature.getInstance("SHA256withRSA");
            rs256.initVerify(jdkKey);
            rs256.update(signingInput);
            return rs256.verify(signatureBytes);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** (a) RSASSAVerifier on an already-parsed token: the RSA-2048 public-key operation plus a new verifier per call. */
    @Benchmark
    public boolean signatureOnParsedToken() {
        try {
            return parsed.verify(new RSASSAVerifier(publicKey));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** (a0) The RSA-2048 public-key operation alone: one verifier made beforehand (the floor of any check). */
    @Benchmark
    public boolean signatureWithVerifierReused() {
        try {
            return parsed.verify(reusedVerifier);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** (a') Parse, typ, issuer, signature, audience and time checks: the Nimbus part of the verifier, in its order. */
    @Benchmark
    public JWTClaimsSet signatureAndClaims() {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            if (!AT_JWT.equals(jwt.getHeader().getType())
                    || !InMemoryIdentity.REGION.issuer().equals(claims.getIssuer())
                    || !jwt.verify(new RSASSAVerifier(publicKey))
                    || !claims.getAudience().contains(InMemoryIdentity.REGION.apiAudience())) {
                throw new IllegalStateException("token refused");
            }
            Instant now = Instant.now();
            if (now.isAfter(claims.getExpirationTime().toInstant().plusSeconds(30))
                    || claims.getNotBeforeTime().toInstant().isAfter(now.plusSeconds(30))) {
                throw new IllegalStateException("token out of its validity window");
            }
            return claims;
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** (b) The production verifier end to end for a token it has not seen before, with the ledger, client and agent in memory. */
    @Benchmark
    public VerifiedToken fullVerifier() {
        return uncachedVerifier.verify(token);
    }

    /**
     * (c) The production verifier for a token it checked before: no parse and no RSA, but expiry, revocation (the
     * ledger's standing kept by this node until identity reports a change), client and agent still checked each time.
     */
    @Benchmark
    public VerifiedToken repeatedToken() {
        return verifier.verify(token);
    }
}
