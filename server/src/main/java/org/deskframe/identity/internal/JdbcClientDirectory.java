package org.deskframe.identity.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.identity.AccessChange;
import org.deskframe.identity.ClientDirectory;
import org.deskframe.identity.OAuthClient;
import org.deskframe.identity.OAuthClientChanged;
import org.deskframe.identity.Scope;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class JdbcClientDirectory implements ClientDirectory {

    private static final String COLUMNS = "client_id, org_id, name, auth_methods, grant_types, redirect_uris, scopes, "
            + "embed_origins, capabilities, jwks, access_token_ttl_seconds, refresh_token_ttl_seconds, enabled";

    private final JdbcClient jdbc;
    private final ClientSecretHashes secrets;
    private final SecretCipher cipher;
    private final JdbcAccessChanges changes;
    private final ApplicationEventPublisher events;

    JdbcClientDirectory(JdbcClient jdbc, ClientSecretHashes secrets, SecretCipher cipher, JdbcAccessChanges changes,
                        ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.changes = changes;
        this.events = events;
        this.secrets = secrets;
        this.cipher = cipher;
    }

    @Override
    public Optional<OAuthClient> find(String clientId) {
        return jdbc.sql("select " + COLUMNS + " from oauth_clients where client_id = ?").param(clientId).query(this::map).optional();
    }

    @Override
    public List<OAuthClient> inOrg(String orgId) {
        return jdbc.sql("select " + COLUMNS + " from oauth_clients where org_id = ? order by client_id").param(orgId)
                .query(this::map).list();
    }

    /** A client with its stored secret hash (null when it has none), for Spring Security's client authentication. */
    record WithSecretHash(OAuthClient client, String secretHash) {}

    /** The client and its secret hash in one query: every token request reads both. */
    Optional<WithSecretHash> findWithSecretHash(String clientId) {
        return jdbc.sql("select " + COLUMNS + ", secret_hash from oauth_clients where client_id = ?").param(clientId)
                .query((rs, n) -> new WithSecretHash(map(rs, n), rs.getString("secret_hash"))).optional();
    }

    @Override
    public OAuthClient register(ClientRegistration r) {
        Identifiers.requireValid("client id", r.clientId());
        validate(r.grantTypes(), r.authMethods(), r.scopes(), r.capabilities(), r.embedOrigins(), r.redirectUris());
        if (find(r.clientId()).isPresent()) throw ProblemException.of(ErrorCode.CONFLICT, Map.of("resource", "OAuth client " + r.clientId()));
        if (r.secret() != null) validateSecret(r.secret());
        if (r.authMethods().contains("private_key_jwt") && (r.jwks() == null || r.jwks().isBlank())) {
            throw ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason", "private_key_jwt needs the client's public keys in 'jwks'"));
        }
        jdbc.sql("insert into oauth_clients (client_id, org_id, name, secret_hash, secret_encrypted, auth_methods, grant_types, "
                        + "redirect_uris, scopes, embed_origins, capabilities, jwks, access_token_ttl_seconds, "
                        + "refresh_token_ttl_seconds, enabled, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(r.clientId(), r.orgId(), r.name() == null ? r.clientId() : r.name(),
                        r.secret() == null ? null : secrets.hashGenerated(r.secret()),
                        r.secret() != null && r.keepSecretForAssertions() ? cipher.encrypt(r.secret()) : null,
                        Columns.join(r.authMethods()), Columns.join(r.grantTypes()), Columns.join(r.redirectUris()),
                        Columns.join(r.scopes()), Columns.join(r.embedOrigins()), Columns.join(r.capabilities()), r.jwks(),
                        seconds(r.accessTokenTtl(), Duration.ofMinutes(15)), seconds(r.refreshTokenTtl(), Duration.ofHours(8)),
                        r.enabled(), Columns.now())
                .update();
        return find(r.clientId()).orElseThrow();
    }

    @Override
    public OAuthClient update(String clientId, ClientChange c) {
        OAuthClient cur = find(clientId).orElseThrow(() -> ProblemException.of(ErrorCode.NOT_FOUND, Map.of("resource", "OAuth client " + clientId)));
        Set<String> grants = c.grantTypes() != null ? c.grantTypes() : cur.grantTypes();
        Set<String> scopes = c.scopes() != null ? c.scopes() : cur.scopes();
        Set<String> caps = c.capabilities() != null ? c.capabilities() : cur.capabilities();
        Set<String> origins = c.embedOrigins() != null ? c.embedOrigins() : cur.embedOrigins();
        Set<String> redirects = c.redirectUris() != null ? c.redirectUris() : cur.redirectUris();
        validate(grants, cur.authMethods(), scopes, caps, origins, redirects);
        jdbc.sql("update oauth_clients set name = ?, grant_types = ?, redirect_uris = ?, scopes = ?, embed_origins = ?, "
                        + "capabilities = ?, jwks = ?, access_token_ttl_seconds = ?, refresh_token_ttl_seconds = ?, enabled = ? "
                        + "where client_id = ?")
                .params(c.name() != null ? c.name() : cur.name(), Columns.join(grants), Columns.join(redirects),
                        Columns.join(scopes), Columns.join(origins), Columns.join(caps),
                        c.jwks() != null ? c.jwks() : cur.jwks(),
                        seconds(c.accessTokenTtl(), cur.accessTokenTtl()), seconds(c.refreshTokenTtl(), cur.refreshTokenTtl()),
                        c.enabled() != null ? c.enabled() : cur.enabled(), clientId)
                .update();
        OAuthClient updated = find(clientId).orElseThrow();
        if (narrowed(cur, updated)) {
            // Open sessions of this client re-check what they stand on, on every node (SessionControl).
            changes.record(AccessChange.Kind.CLIENT, clientId);
        }
        // Every change is told: token checks keep clients they read, and re-read one that changed.
        events.publishEvent(new OAuthClientChanged(clientId, cur.orgId()));
        return updated;
    }

    @Override
    public Optional<String> assertionSecret(String clientId) {
        return jdbc.sql("select secret_encrypted from oauth_clients where client_id = ?").param(clientId)
                .query(String.class).optional().map(cipher::decrypt);
    }

    @Override
    public void setSecret(String clientId, String secret, boolean keepForAssertions) {
        validateSecret(secret);
        int n = jdbc.sql("update oauth_clients set secret_hash = ?, secret_encrypted = ? where client_id = ?")
                .params(secrets.hashGenerated(secret), keepForAssertions ? cipher.encrypt(secret) : null, clientId).update();
        if (n == 0) throw ProblemException.of(ErrorCode.NOT_FOUND, Map.of("resource", "OAuth client " + clientId));
    }

    @Override
    public void setChosenSecret(String clientId, String secret) {
        validateSecret(secret);
        int n = jdbc.sql("update oauth_clients set secret_hash = ?, secret_encrypted = null where client_id = ?")
                .params(secrets.hashChosen(secret), clientId).update();
        if (n == 0) throw ProblemException.of(ErrorCode.NOT_FOUND, Map.of("resource", "OAuth client " + clientId));
    }

    /**
     * Replaces a legacy {@code {bcrypt}} hash with the HMAC form of the same secret, after that secret was just
     * verified. Only a legacy hash is replaced, so a rotation that happened meanwhile (which never writes one) wins.
     */
    void upgradeSecretHash(String clientId, String hmacHash) {
        if (!hmacHash.startsWith("{" + ClientSecretHashes.HMAC + "}")) return;
        jdbc.sql("update oauth_clients set secret_hash = ? where client_id = ? and secret_hash like ?")
                .params(hmacHash, clientId, "{" + ClientSecretHashes.LEGACY + "}%").update();
    }

    private static void validateSecret(String secret) {
        if (secret.length() < 32) {
            throw ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason",
                    "client secret must be at least 32 characters (HS256 assertions need a 256-bit key)"));
        }
    }

    /** True when the change can end an open session: disabled, or lost {@code embed} or an embedding origin. */
    static boolean narrowed(OAuthClient before, OAuthClient after) {
        return (before.enabled() && !after.enabled()) || (before.canEmbed() && !after.canEmbed())
                || !after.embedOrigins().containsAll(before.embedOrigins());
    }

    private static void validate(Set<String> grants, Set<String> authMethods, Set<String> scopes, Set<String> caps,
                                 Set<String> origins, Set<String> redirects) {
        unknown("grant type", grants, OAuthClient.GRANT_TYPES);
        unknown("client authentication method", authMethods, OAuthClient.AUTH_METHODS);
        unknown("capability", caps, OAuthClient.CAPABILITIES);
        for (String scope : scopes) {
            if (Scope.of(scope).isEmpty()) {
                String hint = Scope.suggestionFor(scope).map(s -> " (did you mean '" + s + "'?)").orElse("");
                throw ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason", "unknown scope '" + scope + "'" + hint
                        + "; known scopes: " + String.join(" ", Scope.allValues())));
            }
        }
        for (String origin : origins) {
            if (!origin.matches(OAuthClient.EMBED_ORIGIN_PATTERN)) {
                throw ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason", "embedding origin '" + origin
                        + "' must be scheme://host[:port] with no path, e.g. https://desk.example.com"));
            }
        }
        for (String uri : redirects) {
            if (!uri.matches(OAuthClient.REDIRECT_URI_PATTERN)) {
                throw ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason", "redirect URI '" + uri
                        + "' must be an absolute http(s) URI without a fragment"));
            }
        }
    }

    private static void unknown(String what, Set<String> values, Set<String> known) {
        for (String v : values) {
            if (!known.contains(v)) {
                throw ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason", "unknown " + what + " '" + v
                        + "'; known: " + String.join(" ", known.stream().sorted().toList())));
            }
        }
    }

    private static int seconds(Duration d, Duration fallback) {
        return (int) (d != null ? d : fallback).toSeconds();
    }

    private OAuthClient map(ResultSet rs, int n) throws SQLException {
        return new OAuthClient(rs.getString("client_id"), rs.getString("org_id"), rs.getString("name"),
                Columns.split(rs.getString("auth_methods")), Columns.split(rs.getString("grant_types")),
                Columns.split(rs.getString("redirect_uris")), Columns.split(rs.getString("scopes")),
                Columns.split(rs.getString("embed_origins")), Columns.split(rs.getString("capabilities")),
                rs.getString("jwks"), Duration.ofSeconds(rs.getInt("access_token_ttl_seconds")),
                Duration.ofSeconds(rs.getInt("refresh_token_ttl_seconds")), rs.getBoolean("enabled"));
    }
}
