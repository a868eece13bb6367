package org.deskframe.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The one RS256 check behind the token check and introspection: what it accepts, and every way it refuses. */
class RegionSignatureTests {

    static RSAKey key;
    static RSAKey otherKey;

    @BeforeAll
    static void keys() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        otherKey = new RSAKeyGenerator(2048).keyID("k2").generate();
    }

    static SignedJWT signed(JWSHeader header, RSAKey with) throws Exception {
        SignedJWT jwt = new SignedJWT(header, new JWTClaimsSet.Builder().subject("agent1").claim("scope", "messaging").build());
        jwt.sign(new RSASSASigner(with));
        // As a verifier meets it: parsed from its compact form.
        return SignedJWT.parse(jwt.serialize());
    }

    static JWSHeader rs256() {
        return new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build();
    }

    @Test
    void aTokenSignedWithTheKeyVerifies() throws Exception {
        assertThat(new RegionSignature(key.toPublicJWK()).verifies(signed(rs256(), key))).isTrue();
    }

    @Test
    void anotherKeysSignatureDoesNot() throws Exception {
        assertThat(new RegionSignature(key.toPublicJWK()).verifies(signed(rs256(), otherKey))).isFalse();
    }

    @Test
    void aChangedPayloadDoesNot() throws Exception {
        String[] parts = signed(rs256(), key).serialize().split("\\.");
        String forged = Base64URL.encode("{\"sub\":\"admin\",\"scope\":\"messaging\"}").toString();
        SignedJWT tampered = SignedJWT.parse(parts[0] + "." + forged + "." + parts[2]);
        assertThat(new RegionSignature(key.toPublicJWK()).verifies(tampered)).isFalse();
    }

    @Test
    void aSignatureThatIsNotBase64urlOrHasTheWrongLengthDoesNot() throws Exception {
        String[] parts = signed(rs256(), key).serialize().split("\\.");
        RegionSignature check = new RegionSignature(key.toPublicJWK());
        assertThat(check.verifies(SignedJWT.parse(parts[0] + "." + parts[1] + "." + parts[2].substring(0, 40)))).isFalse();
        assertThat(check.verifies(SignedJWT.parse(parts[0] + "." + parts[1] + ".%%%%"))).isFalse();
    }

    @Test
    void anotherAlgorithmIsRefusedEvenWithTheSameKey() throws Exception {
        RegionSignature check = new RegionSignature(key.toPublicJWK());
        assertThat(check.verifies(signed(new JWSHeader.Builder(JWSAlgorithm.PS256).keyID("k1").build(), key))).isFalse();
        assertThat(check.verifies(signed(new JWSHeader.Builder(JWSAlgorithm.RS512).keyID("k1").build(), key))).isFalse();
    }

    @Test
    void aCriticalHeaderParameterIsRefusedAsNimbusWould() throws Exception {
        JWSHeader crit = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").customParam("exp-policy", "x")
                .criticalParams(Set.of("exp-policy")).build();
        assertThat(new RegionSignature(key.toPublicJWK()).verifies(signed(crit, key))).isFalse();
    }

    @Test
    void aKeyTooShortToTrustIsRefusedAtConstructionWhateverTheProvider() throws Exception {
        assertThatThrownBy(() -> new RegionSignature(new RSAKey.Builder(new Base64URL("AQAB"), new Base64URL("AQAB")).keyID("bogus").build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bogus"); // the JDK's provider refuses it as a key, the native one lets the size check refuse it
        RSAKey weak = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(1024, true).keyID("weak").generate();
        assertThatThrownBy(() -> new RegionSignature(weak.toPublicJWK()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("RSA key weak has 1024 bits; at least 2048 are required");
    }
}
