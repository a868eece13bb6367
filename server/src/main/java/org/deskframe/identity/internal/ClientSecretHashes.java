package org.deskframe.identity.internal;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * How OAuth client secrets are stored and checked. A secret the server generated (256 random bits) is stored as
 * {@code {hmac-sha256}} under a key derived from the server key: a check costs microseconds, and a work factor adds
 * nothing to a secret nobody can guess. A secret a person chose (the configured bootstrap admin secret) is stored as
 * {@code {bcrypt-chosen}}, since its entropy is unknown. Hashes written before ({@code {bcrypt}}, all of generated or
 * demo secrets) still verify and are rehashed to HMAC on their first successful use.
 */
@Component
class ClientSecretHashes {

    static final String HMAC = "hmac-sha256";
    static final String CHOSEN = "bcrypt-chosen";
    static final String LEGACY = "bcrypt";

    private final HmacSha256Encoder hmac;
    private final BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder();
    private final PasswordEncoder verifier;

    ClientSecretHashes(SecretCipher keys) {
        this.hmac = new HmacSha256Encoder(keys.derivedKey("client-secret-hmac"));
        DelegatingPasswordEncoder delegating = new DelegatingPasswordEncoder(HMAC, Map.of(HMAC, hmac, CHOSEN, bcrypt, LEGACY, bcrypt));
        this.verifier = new PasswordEncoder() {
            @Override
            public String encode(CharSequence raw) {
                return delegating.encode(raw);
            }

            @Override
            public boolean matches(CharSequence raw, String encoded) {
                return delegating.matches(raw, encoded);
            }

            /** Only legacy hashes move to HMAC: a chosen secret stays under BCrypt. */
            @Override
            public boolean upgradeEncoding(String encoded) {
                return encoded != null && encoded.startsWith("{" + LEGACY + "}");
            }
        };
    }

    /** The stored form of a secret the server generated. */
    String hashGenerated(String secret) {
        return "{" + HMAC + "}" + hmac.encode(secret);
    }

    /** The stored form of a secret a person chose. */
    String hashChosen(String secret) {
        return "{" + CHOSEN + "}" + bcrypt.encode(secret);
    }

    /** Checks a presented secret against any stored form; {@code encode} gives the HMAC form (for upgrades). */
    PasswordEncoder verifier() {
        return verifier;
    }

    /** HMAC-SHA256 of the secret, base64url; compared in constant time. */
    static final class HmacSha256Encoder implements PasswordEncoder {

        private final Mac prototype;

        HmacSha256Encoder(byte[] key) {
            try {
                prototype = Mac.getInstance("HmacSHA256");
                prototype.init(new SecretKeySpec(key, "HmacSHA256"));
            } catch (NoSuchAlgorithmException | InvalidKeyException e) {
                throw new IllegalStateException("HmacSHA256 is not available", e);
            }
        }

        @Override
        public String encode(CharSequence raw) {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac(raw));
        }

        @Override
        public boolean matches(CharSequence raw, String encoded) {
            if (raw == null || encoded == null) return false;
            byte[] expected;
            try {
                expected = Base64.getUrlDecoder().decode(encoded);
            } catch (IllegalArgumentException e) {
                return false;
            }
            return MessageDigest.isEqual(mac(raw), expected);
        }

        private byte[] mac(CharSequence raw) {
            try {
                Mac mac = (Mac) prototype.clone();
                return mac.doFinal(raw.toString().getBytes(StandardCharsets.UTF_8));
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException("HmacSHA256 cannot be cloned", e);
            }
        }
    }
}
