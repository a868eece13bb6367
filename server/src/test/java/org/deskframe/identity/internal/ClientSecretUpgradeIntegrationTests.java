package org.deskframe.identity.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.deskframe.identity.ClientDirectory;
import org.deskframe.testing.DeskframeServerTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/** The rehash of a legacy secret hash never overwrites a secret that was rotated meanwhile. */
class ClientSecretUpgradeIntegrationTests extends DeskframeServerTest {

    @Autowired
    ClientDirectory clients;

    @Autowired
    RegisteredClientRepository registered;

    @Autowired
    ClientSecretHashes hashes;

    @Autowired
    JdbcClient jdbc;

    @Test
    void whenTheSecretWasRotatedBeforeTheUpgradeLandsThenTheRotatedSecretStays() {
        String id = "upgrade-" + UUID.randomUUID().toString().substring(0, 8);
        String oldSecret = id + "-old-secret-0123456789abcdef";
        clients.register(new ClientDirectory.ClientRegistration(id, "demo", id, oldSecret, false, Set.of("client_secret_basic"),
                Set.of("client_credentials"), Set.of(), Set.of("presence"), Set.of(), Set.of(), null, Duration.ofMinutes(15),
                Duration.ofHours(1), true));
        jdbc.sql("update oauth_clients set secret_hash = ? where client_id = ?")
                .params("{bcrypt}" + new BCryptPasswordEncoder().encode(oldSecret), id).update();
        RegisteredClient verifiedWithOldSecret = registered.findByClientId(id);
        String newSecret = id + "-new-secret-0123456789abcdef";
        clients.setSecret(id, newSecret, false);

        registered.save(RegisteredClient.from(verifiedWithOldSecret).clientSecret(hashes.verifier().encode(oldSecret)).build());

        String stored = jdbc.sql("select secret_hash from oauth_clients where client_id = ?").param(id).query(String.class).single();
        assertThat(hashes.verifier().matches(newSecret, stored)).isTrue();
        assertThat(hashes.verifier().matches(oldSecret, stored)).isFalse();
    }

    @Test
    void anUpgradeReplacesOnlyALegacyHash() {
        String id = "upgrade-" + UUID.randomUUID().toString().substring(0, 8);
        String secret = id + "-secret-0123456789abcdef-0123";
        clients.register(new ClientDirectory.ClientRegistration(id, "demo", id, null, false, Set.of("client_secret_basic"),
                Set.of("client_credentials"), Set.of(), Set.of("presence"), Set.of(), Set.of(), null, Duration.ofMinutes(15),
                Duration.ofHours(1), true));
        clients.setChosenSecret(id, secret);
        String chosen = jdbc.sql("select secret_hash from oauth_clients where client_id = ?").param(id).query(String.class).single();

        registered.save(RegisteredClient.from(registered.findByClientId(id)).clientSecret(hashes.hashGenerated(secret)).build());

        assertThat(jdbc.sql("select secret_hash from oauth_clients where client_id = ?").param(id).query(String.class).single())
                .isEqualTo(chosen);
    }
}
