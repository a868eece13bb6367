package org.deskframe.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.SecureRandom;
import java.text.ParseException;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a messenger guest token costs the server in CPU, signed as the session request signs it and verified as the
 * gateway handshake first checks it: RS256 (RSA-2048, before) against HS256 (the server key, now). Thread CPU time per
 * operation, variants alternating in rounds, as {@link AccessTokenVerificationCpu} does.
 * Run: {@code $JAVA_HOME/bin/java -cp bench/target/benchmarks.jar org.deskframe.bench.GuestTokenSignatureCpu [rounds] [ms per variant]}.
 */
public final class GuestTokenSignatureCpu {

    private GuestTokenSignatureCpu() {}

    public static void main(String[] args) throws JOSEException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        long millis = args.length > 1 ? Long.parseLong(args[1]) : 2000;
        RSAKey rsa = new RSAKeyGenerator(2048).keyID("k1").generate();
        byte[] serverKey = new byte[32];
        new SecureRandom().nextBytes(serverKey);
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("http://127.0.0.1:8080").audience("http://127.0.0.1:8080/api")
                .subject("customer:g_4f1c9a").claim("org", "bench").claim("region", "local").claim("scope", "guest")
                .jwtID("j_0123456789abcdef").issueTime(new Date()).expirationTime(new Date(System.currentTimeMillis() + 900_000))
                .claim("guest", Map.of("customer", "g_4f1c9a", "deployment", "dep-1", "conversation", "c_x1Yz", "verified", false))
                .build();
        String rs256 = sign(JWSAlgorithm.RS256, new RSASSASigner(rsa), claims);
        String hs256 = sign(JWSAlgorithm.HS256, new MACSigner(serverKey), claims);
        JWSVerifier rsaVerifier = new RSASSAVerifier(rsa.toPublicJWK());
        JWSVerifier macVerifier = new MACVerifier(serverKey);
        RSASSASigner rsaSigner = new RSASSASigner(rsa);
        MACSigner macSigner = new MACSigner(serverKey);
        Map<String, Supplier<Object>> variants = new LinkedHashMap<>();
        variants.put("signRs256", () -> sign(JWSAlgorithm.RS256, rsaSigner, claims));
        variants.put("signHs256", () -> sign(JWSAlgorithm.HS256, macSigner, claims));
        variants.put("parseAndVerifyRs256", () -> verify(rs256, rsaVerifier));
        variants.put("parseAndVerifyHs256", () -> verify(hs256, macVerifier));
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (var v : variants.entrySet()) AccessTokenVerificationCpu.run(threads, v.getValue(), millis);
        System.out.printf("%-22s %6s %12s %12s%n", "variant", "round", "ops", "CPU µs/op");
        for (int r = 1; r <= rounds; r++) {
            for (var v : variants.entrySet()) {
                long[] opsAndCpu = AccessTokenVerificationCpu.run(threads, v.getValue(), millis);
                System.out.printf("%-22s %6d %12d %12.1f%n", v.getKey(), r, opsAndCpu[0], opsAndCpu[1] / 1000.0 / opsAndCpu[0]);
            }
        }
    }

    private static String sign(JWSAlgorithm alg, JWSSigner signer, JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).type(new JOSEObjectType("at+jwt")).keyID("k1").build(), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private static Boolean verify(String token, JWSVerifier verifier) {
        try {
            return SignedJWT.parse(token).verify(verifier);
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
