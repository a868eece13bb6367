package org.deskframe.identity;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * OAuth client registrations. Secrets are stored as hashes (a keyed hash for secrets the server generated, BCrypt for
 * one a person chose: docs/oauth.md); a client that signs JWT bearer assertions with HS256 also has its secret
 * encrypted at rest (with the server's key), since verifying an HMAC needs it.
 */
public interface ClientDirectory {
    Optional<OAuthClient> find(String clientId);
    List<OAuthClient> inOrg(String orgId);
    OAuthClient register(ClientRegistration registration);
    OAuthClient update(String clientId, ClientChange change);
    /** The plain secret of a client that may sign HS256 assertions, decrypted; empty for others. */
    Optional<String> assertionSecret(String clientId);
    /** Replaces the secret with one the server generated (as {@link ClientRegistration#secret()} is). */
    void setSecret(String clientId, String secret, boolean keepForAssertions);
    /** Replaces the secret with one a person chose (configuration): kept under BCrypt, never for assertions. */
    void setChosenSecret(String clientId, String secret);

    /** {@code secret} is one the server generated (at least 32 characters); null for a client without one. */
    record ClientRegistration(String clientId, String orgId, String name, String secret, boolean keepSecretForAssertions,
                              Set<String> authMethods, Set<String> grantTypes, Set<String> redirectUris,
                              Set<String> scopes, Set<String> embedOrigins, Set<String> capabilities, String jwks,
                              Duration accessTokenTtl, Duration refreshTokenTtl, boolean enabled) {}

    /** Fields left null are unchanged. */
    record ClientChange(String name, Set<String> grantTypes, Set<String> redirectUris, Set<String> scopes,
                        Set<String> embedOrigins, Set<String> capabilities, String jwks,
                        Duration accessTokenTtl, Duration refreshTokenTtl, Boolean enabled) {}
}
