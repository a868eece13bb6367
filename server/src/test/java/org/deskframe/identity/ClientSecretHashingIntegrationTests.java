package org.deskframe.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.JWTBearerGrant;
import com.nimbusds.oauth2.sdk.Scope;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * How client secrets are stored: a keyed hash for the ones the server generates, BCrypt for the one a person chose,
 * and hashes written by earlier versions ({bcrypt}) keep working and move to the keyed hash on first use.
 */
class ClientSecretHashingIntegrationTests extends AuthorizationServerTest {

    private static final String BOOTSTRAP_SECRET = "test-bootstrap-admin-secret-0123456789abcdef";

    @Autowired
    JdbcClient jdbc;

    @Test
    void aGeneratedSecretIsStoredAsAKeyedHashAndAuthenticatesTheClient() {
        OAuthClient client = newClient("demo");

        String stored = storedHash(client.clientId());

        assertThat(stored).startsWith("{hmac-sha256}").doesNotContain(demoSecret(client.clientId()));
        assertThat(stored.substring("{hmac-sha256}".length())).matches("[A-Za-z0-9_-]{43}");
        assertThat(token(basic(client.clientId()), new ClientCredentialsGrant(), new Scope("presence")).ok()).isTrue();
        assertThat(storedHash(client.clientId())).as("an HMAC hash is not upgraded").isEqualTo(stored);
    }

    @Test
    void aWrongSecretIsStillInvalidClientUnderTheKeyedHash() {
        OAuthClient client = newClient("demo");

        Exchange refused = token(basic(client.clientId(), demoSecret(client.clientId()) + "x"), new ClientCredentialsGrant(), null);

        assertThat(refused.http().getStatusCode()).isEqualTo(401);
        assertThat(refused.error()).isEqualTo("invalid_client");
    }

    @Test
    void aBcryptHashFromAnEarlierVersionStillVerifiesAndIsRehashedOnFirstUse() {
        OAuthClient client = newClient("demo");
        String legacy = "{bcrypt}" + new BCryptPasswordEncoder().encode(demoSecret(client.clientId()));
        jdbc.sql("update oauth_clients set secret_hash = ? where client_id = ?").params(legacy, client.clientId()).update();

        assertThat(token(basic(client.clientId()), new ClientCredentialsGrant(), null).ok()).isTrue();

        assertThat(storedHash(client.clientId())).startsWith("{hmac-sha256}");
        assertThat(token(basic(client.clientId()), new ClientCredentialsGrant(), null).ok()).as("same secret, new hash").isTrue();
        assertThat(token(basic(client.clientId(), demoSecret(client.clientId()) + "x"), new ClientCredentialsGrant(), null)
                .error()).isEqualTo("invalid_client");
    }

    @Test
    void aBcryptHashFromAnEarlierVersionIsNotRehashedByAWrongSecret() {
        OAuthClient client = newClient("demo");
        String legacy = "{bcrypt}" + new BCryptPasswordEncoder().encode(demoSecret(client.clientId()));
        jdbc.sql("update oauth_clients set secret_hash = ? where client_id = ?").params(legacy, client.clientId()).update();

        assertThat(token(basic(client.clientId(), "another-secret-0123456789abcdef-0123"), new ClientCredentialsGrant(), null)
                .error()).isEqualTo("invalid_client");

        assertThat(storedHash(client.clientId())).isEqualTo(legacy);
    }

    @Test
    void theHs256JwtBearerGrantOfALegacyClientKeepsWorkingAcrossTheRehash() {
        OAuthClient client = newClient("demo");
        Agent agent = newAgent("demo");
        String legacy = "{bcrypt}" + new BCryptPasswordEncoder().encode(demoSecret(client.clientId()));
        jdbc.sql("update oauth_clients set secret_hash = ? where client_id = ?").params(legacy, client.clientId()).update();

        Exchange first = token(basic(client.clientId()), new JWTBearerGrant(hs256Assertion(client.clientId(),
                assertionClaims(client.clientId(), agent.username()).build())), new Scope("voice"));
        Exchange second = token(basic(client.clientId()), new JWTBearerGrant(hs256Assertion(client.clientId(),
                assertionClaims(client.clientId(), agent.username()).build())), new Scope("voice"));

        assertThat(first.ok()).as(first.http().getBody()).isTrue();
        assertThat(second.ok()).as(second.http().getBody()).isTrue();
        assertThat(storedHash(client.clientId())).startsWith("{hmac-sha256}");
    }

    @Test
    void theConfiguredBootstrapAdminSecretWasChosenByAPersonSoItStaysUnderBcrypt() {
        assertThat(storedHash("deskframe-admin")).startsWith("{bcrypt-chosen}$2");

        Exchange tokens = token(basic("deskframe-admin", BOOTSTRAP_SECRET), new ClientCredentialsGrant(), new Scope("admin"));

        assertThat(tokens.ok()).as(tokens.http().getBody()).isTrue();
        assertThat(storedHash("deskframe-admin")).as("not upgraded by use").startsWith("{bcrypt-chosen}$2");
    }

    private String storedHash(String clientId) {
        return jdbc.sql("select secret_hash from oauth_clients where client_id = ?").param(clientId).query(String.class).single();
    }
}
