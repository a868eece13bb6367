package org.deskframe.calls.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * TURN credentials in the REST API scheme (draft-uberti-behave-turn-rest, coturn's {@code use-auth-secret}): the
 * username is {@code <expiry in Unix seconds>:<who>}, the password the base64 HMAC-SHA1 of the username under the
 * secret the TURN servers share. Nothing is stored: the TURN server recomputes and checks it, and refuses it after the
 * expiry.
 */
final class TurnCredentials {

    record Credential(String username, String password, Instant expiresAt) {}

    private TurnCredentials() {}

    static Credential issue(String secret, String who, Instant expiresAt) {
        String username = expiresAt.getEpochSecond() + ":" + who;
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            String password = Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
            return new Credential(username, password, expiresAt);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
        }
    }
}
