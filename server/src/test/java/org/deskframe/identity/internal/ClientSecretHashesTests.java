package org.deskframe.identity.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.deskframe.identity.IdentitySettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

/** The stored forms of client secrets and which of them move to the keyed hash. */
class ClientSecretHashesTests {

    private static final String SECRET = "Vr3mO8sZt0pQkX1cJ7bN4yW6aD2fG9hL5eUiRqTnMzA";

    @TempDir
    Path dataDir;

    private ClientSecretHashes hashes(String serverKey) {
        return new ClientSecretHashes(new SecretCipher(new IdentitySettings(serverKey, dataDir.toString(), null, null, null, 0, null, null, 0)));
    }

    @Test
    void aGeneratedSecretsHashVerifiesThatSecretOnly() {
        ClientSecretHashes hashes = hashes("server-key-0123456789abcdef-0123456789");
        String stored = hashes.hashGenerated(SECRET);

        assertThat(stored).startsWith("{hmac-sha256}");
        assertThat(hashes.verifier().matches(SECRET, stored)).isTrue();
        assertThat(hashes.verifier().matches(SECRET.substring(1), stored)).isFalse();
        assertThat(hashes.verifier().matches(SECRET + "A", stored)).isFalse();
        assertThat(hashes.verifier().upgradeEncoding(stored)).isFalse();
    }

    @Test
    void theHashIsKeyedByTheServerKey() {
        String one = hashes("server-key-0123456789abcdef-0123456789").hashGenerated(SECRET);
        String other = hashes("another-server-key-0123456789abcdef-01").hashGenerated(SECRET);

        assertThat(one).isNotEqualTo(other);
        assertThat(hashes("another-server-key-0123456789abcdef-01").verifier().matches(SECRET, one)).isFalse();
        assertThat(hashes("server-key-0123456789abcdef-0123456789").hashGenerated(SECRET)).as("same key, same hash").isEqualTo(one);
    }

    @Test
    void aChosenSecretIsStoredUnderBcryptAndStaysThere() {
        ClientSecretHashes hashes = hashes("server-key-0123456789abcdef-0123456789");
        String stored = hashes.hashChosen("correct horse battery staple, chosen by a person");

        assertThat(stored).startsWith("{bcrypt-chosen}$2");
        assertThat(hashes.verifier().matches("correct horse battery staple, chosen by a person", stored)).isTrue();
        assertThat(hashes.verifier().matches("correct horse battery staple", stored)).isFalse();
        assertThat(hashes.verifier().upgradeEncoding(stored)).isFalse();
    }

    @Test
    void aLegacyBcryptHashVerifiesAndIsToBeUpgradedToTheKeyedHash() {
        ClientSecretHashes hashes = hashes("server-key-0123456789abcdef-0123456789");
        PasswordEncoder verifier = hashes.verifier();
        String legacy = "{bcrypt}" + new BCryptPasswordEncoder().encode(SECRET);

        assertThat(verifier.matches(SECRET, legacy)).isTrue();
        assertThat(verifier.matches("wrong", legacy)).isFalse();
        assertThat(verifier.upgradeEncoding(legacy)).isTrue();
        assertThat(verifier.encode(SECRET)).as("what an upgrade writes").isEqualTo(hashes.hashGenerated(SECRET));
    }

    @Test
    void aDamagedKeyedHashVerifiesNothing() {
        PasswordEncoder verifier = hashes("server-key-0123456789abcdef-0123456789").verifier();

        assertThat(verifier.matches(SECRET, "{hmac-sha256}not*base64url")).isFalse();
        assertThat(verifier.matches(SECRET, "{hmac-sha256}")).isFalse();
    }
}
