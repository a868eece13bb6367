package org.deskframe.broker;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.text.ParseException;
import java.util.Objects;

/**
 * Signs the RFC 7523 assertions of the jwt-bearer grant: HS256 with the OAuth client's secret, or RS256/ES256 with a
 * private key whose public JWK is registered with the client (set its key id, the platform picks the key by
 * {@code kid}). Holds key material, so it prints only its algorithm.
 */
public final class AssertionSigner {

    private final JWSAlgorithm algorithm;
    private final String keyId;
    private final JWSSigner signer;

    private AssertionSigner(JWSAlgorithm algorithm, String keyId, JWSSigner signer) {
        this.algorithm = algorithm;
        this.keyId = keyId;
        this.signer = signer;
    }

    /** HS256 with the client secret (at least 32 bytes, as the platform requires for HMAC assertions). */
    public static AssertionSigner hs256(String clientSecret) {
        Objects.requireNonNull(clientSecret, "clientSecret");
        byte[] key = clientSecret.getBytes(StandardCharsets.UTF_8);
        if (key.length < 32) {
            throw new IllegalArgumentException("HS256 assertions need a client secret of at least 32 bytes (this one has "
                    + key.length + "); rotate the client's secret or sign with RS256/ES256");
        }
        try {
            return new AssertionSigner(JWSAlgorithm.HS256, null, new MACSigner(key));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("the client secret cannot be used for HS256: " + e.getMessage(), e);
        }
    }

    public static AssertionSigner rs256(RSAPrivateKey key, String keyId) {
        return new AssertionSigner(JWSAlgorithm.RS256, keyId, new RSASSASigner(key));
    }

    public static AssertionSigner es256(ECPrivateKey key, String keyId) {
        try {
            return new AssertionSigner(JWSAlgorithm.ES256, keyId, new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("the key cannot sign ES256 (it must be a P-256 key): " + e.getMessage(), e);
        }
    }

    /** RS256 or ES256 from a private JWK in JSON (its {@code kid} is sent in the assertion header). */
    public static AssertionSigner fromPrivateJwk(String jwkJson) {
        try {
            JWK jwk = JWK.parse(jwkJson);
            if (!jwk.isPrivate()) throw new IllegalArgumentException("the JWK holds no private key");
            PrivateKey key = switch (jwk) {
                case RSAKey rsa -> rsa.toPrivateKey();
                case ECKey ec -> ec.toPrivateKey();
                default -> throw new IllegalArgumentException("only RSA (RS256) and EC P-256 (ES256) keys are supported");
            };
            return key instanceof RSAPrivateKey rsa ? rs256(rsa, jwk.getKeyID()) : es256((ECPrivateKey) key, jwk.getKeyID());
        } catch (ParseException | JOSEException e) {
            throw new IllegalArgumentException("not a private JWK: " + e.getMessage(), e);
        }
    }

    public String algorithm() {
        return algorithm.getName();
    }

    String sign(JWTClaimsSet claims) {
        JWSHeader.Builder header = new JWSHeader.Builder(algorithm);
        if (keyId != null) header.keyID(keyId);
        SignedJWT jwt = new SignedJWT(header.build(), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("signing the assertion failed: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }

    @Override
    public String toString() {
        return "AssertionSigner[" + algorithm + (keyId == null ? "" : ", kid=" + keyId) + "]";
    }
}
