package org.deskframe.identity.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.deskframe.identity.SigningKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * RS256 signing keys kept encrypted in the database, so every node and every restart signs and verifies with the
 * same keys. The newest key signs; the JWKS also publishes the one before it, which keeps tokens issued before a
 * rotation valid until they expire. Another node's rotation is picked up when an unknown kid shows up. Each key also
 * yields a server key (HS256, never published) for the tokens only this region verifies.
 */
@Component
class SigningKeyRing implements SigningKeys, JWKSource<SecurityContext> {

    private static final Logger log = LoggerFactory.getLogger(SigningKeyRing.class);
    private static final long RELOAD_INTERVAL_MS = 1000;
    private static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");

    private final JdbcClient jdbc;
    private final SecretCipher cipher;
    private final TransactionTemplate tx;
    private volatile List<RSAKey> keys = List.of();
    /** The public halves of {@link #keys}, made once per load: verifiers keep one signature check per key object. */
    private volatile List<RSAKey> publicKeys = List.of();
    /** Per kid of {@link #keys}, the symmetric key derived from its private half (see {@link #serverKey}). */
    private volatile Map<String, OctetSequenceKey> serverKeys = Map.of();
    private volatile long lastLoad;

    SigningKeyRing(JdbcClient jdbc, SecretCipher cipher, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.cipher = cipher;
        this.tx = tx;
        reload();
        if (keys.isEmpty()) {
            rotate();
        }
    }

    /** The key that signs new tokens. */
    RSAKey current() {
        return keys.getFirst();
    }

    @Override
    public Optional<RSAKey> verificationKey(String kid) {
        Optional<RSAKey> key = findPublic(kid);
        if (key.isEmpty() && System.currentTimeMillis() - lastLoad > RELOAD_INTERVAL_MS) {
            reload();
            key = findPublic(kid);
        }
        return key;
    }

    @Override
    public Optional<OctetSequenceKey> serverKey(String kid) {
        OctetSequenceKey key = serverKeys.get(kid);
        if (key == null && System.currentTimeMillis() - lastLoad > RELOAD_INTERVAL_MS) {
            reload();
            key = serverKeys.get(kid);
        }
        return Optional.ofNullable(key);
    }

    private Optional<RSAKey> findPublic(String kid) {
        for (RSAKey k : publicKeys) {
            if (k.getKeyID().equals(kid)) return Optional.of(k);
        }
        return Optional.empty();
    }

    @Override
    public JWKSet publicKeys() {
        return new JWKSet(new ArrayList<>(keys)).toPublicJWKSet();
    }

    @Override
    public synchronized String rotate() {
        RSAKey key;
        try {
            key = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                    .keyID(UUID.randomUUID().toString()).issueTime(new java.util.Date()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate a signing key", e);
        }
        tx.executeWithoutResult(status -> {
            long generation = jdbc.sql("select coalesce(max(generation), 0) + 1 from signing_keys").query(Long.class).single();
            jdbc.sql("insert into signing_keys (kid, generation, encrypted_jwk, created_at) values (?, ?, ?, ?)")
                    .params(key.getKeyID(), generation, cipher.encrypt(key.toJSONString()), Columns.now()).update();
            // Keep the newest two published; older ones are retired (their tokens have long expired).
            List<String> live = jdbc.sql("select kid from signing_keys where retired_at is null order by generation desc")
                    .query(String.class).list();
            for (String old : live.subList(Math.min(2, live.size()), live.size())) {
                if (!old.equals(key.getKeyID())) {
                    jdbc.sql("update signing_keys set retired_at = ? where kid = ?").params(Columns.now(), old).update();
                }
            }
        });
        reload();
        log.info("Signing key rotated: new kid {}", key.getKeyID());
        return key.getKeyID();
    }

    /**
     * {@code claims} as a token for this region alone (for {@link LedgeredTokenSigner}): HS256 with the current key's
     * server key, its kid in the header. An HMAC costs microseconds where an RSA-2048 signature costs ~1 ms of CPU.
     */
    String signServerToken(JWTClaimsSet claims) {
        RSAKey key = current();
        var jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(AT_JWT).keyID(key.getKeyID()).build(), claims);
        try {
            jwt.sign(new MACSigner(serverKeys.get(key.getKeyID())));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign with the server key of " + key.getKeyID(), e);
        }
        return jwt.serialize();
    }

    /**
     * HMAC-SHA256 of a fixed label and the kid under the private key's PKCS#8 encoding: 32 bytes only holders of the
     * private key (this region's nodes) can compute, the same on each of them, gone when the key is retired.
     */
    private static OctetSequenceKey deriveServerKey(RSAKey key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.toRSAPrivateKey().getEncoded(), "HmacSHA256"));
            byte[] secret = mac.doFinal(("deskframe server token key v1 " + key.getKeyID()).getBytes(StandardCharsets.UTF_8));
            return new OctetSequenceKey.Builder(secret).keyID(key.getKeyID()).algorithm(JWSAlgorithm.HS256).build();
        } catch (JOSEException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot derive the server key of " + key.getKeyID(), e);
        }
    }

    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) {
        // Spring's encoder selects by kid (set from current() by the token customizer); the JWKS endpoint asks for all.
        return selector.select(new JWKSet(new ArrayList<>(keys)));
    }

    private Optional<RSAKey> find(String kid) {
        return keys.stream().filter(k -> k.getKeyID().equals(kid)).findFirst();
    }

    private synchronized void reload() {
        record Row(String kid, String jwk, Instant created) {}
        List<Row> rows = jdbc.sql("select kid, encrypted_jwk, created_at from signing_keys where retired_at is null "
                        + "order by generation desc")
                .query((rs, n) -> new Row(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant())).list();
        List<RSAKey> loaded = new ArrayList<>();
        for (Row row : rows.subList(0, Math.min(2, rows.size()))) {
            try {
                loaded.add(RSAKey.parse(cipher.decrypt(row.jwk())));
            } catch (ParseException | IllegalStateException e) {
                throw new IllegalStateException("signing key " + row.kid() + " cannot be decrypted: is deskframe.identity.secret-key the one it was stored with?", e);
            }
        }
        keys = List.copyOf(loaded);
        publicKeys = loaded.stream().map(RSAKey::toPublicJWK).toList();
        Map<String, OctetSequenceKey> derived = new HashMap<>();
        for (RSAKey k : loaded) {
            OctetSequenceKey known = serverKeys.get(k.getKeyID());
            derived.put(k.getKeyID(), known != null ? known : deriveServerKey(k));
        }
        serverKeys = Map.copyOf(derived);
        lastLoad = System.currentTimeMillis();
    }
}
