package org.deskframe.broker;

import com.nimbusds.jwt.JWTClaimsSet;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Obtains, caches and refreshes Deskframe access tokens for an integrator's agents, for one OAuth client.
 *
 * <p>Tokens are cached per {@link AgentKey} (agent + scope set) and replaced once they are within the refresh margin
 * of their expiry. However many threads ask at once, one request per key is in flight (single-flight); the others
 * wait for its result. Agents with a refresh token (from the authorization-code flow) are refreshed with the
 * {@code refresh_token} grant, one request per agent at a time, and the rotated refresh token is saved before the
 * access token is returned; all other agents get tokens through the jwt-bearer grant (RFC 7523) with a fresh
 * single-use assertion per request. Transient failures are retried with backoff; permanent ones throw
 * {@link TokenBrokerException} with the platform's code, message and hint. Token values are never logged.
 */
public final class AgentTokenBroker {

    static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private static final System.Logger log = System.getLogger(AgentTokenBroker.class.getName());

    /** Waits between retries; replaced in tests to observe the delays without waiting them. */
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final String clientId;
    private final TokenEndpoint endpoint;
    private final AssertionSigner signer;
    private final Duration assertionLifetime;
    private final Duration refreshMargin;
    private final RetryPolicy retry;
    private final Clock clock;
    private final RefreshTokenStore refreshTokens;
    private final Sleeper sleeper;
    private final ConcurrentMap<AgentKey, Slot> slots = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, ReentrantLock> refreshLocks = new ConcurrentHashMap<>();

    /** The cached token of one key and the request in flight for it, if any. Guarded by itself. */
    private static final class Slot {
        AgentToken current;
        Instant refreshAt;
        CompletableFuture<AgentToken> inFlight;
    }

    private AgentTokenBroker(Builder b) {
        this.clientId = b.clientId;
        URI tokenUri = b.tokenEndpoint != null ? b.tokenEndpoint : URI.create(stripSlash(b.platform.toString()) + "/oauth2/token");
        HttpClient http = b.httpClient != null ? b.httpClient
                : HttpClient.newBuilder().connectTimeout(b.connectTimeout).followRedirects(HttpClient.Redirect.NEVER).build();
        this.endpoint = new TokenEndpoint(tokenUri, b.clientId, b.clientSecret, http, b.requestTimeout);
        this.signer = b.signer;
        this.assertionLifetime = b.assertionLifetime;
        this.refreshMargin = b.refreshMargin;
        this.retry = b.retry;
        this.clock = b.clock;
        this.refreshTokens = b.refreshTokens;
        this.sleeper = b.sleeper;
    }

    /**
     * @param platform the deployment's base URL, e.g. {@code http://localhost:8080}; the token endpoint is
     *                 {@code <platform>/oauth2/token} and is also the assertions' audience
     */
    public static Builder builder(URI platform, String clientId, String clientSecret) {
        return new Builder(platform, clientId, clientSecret);
    }

    public static Builder builder(String platform, String clientId, String clientSecret) {
        return builder(URI.create(platform), clientId, clientSecret);
    }

    /** A valid token for the agent with these scopes (none: the client's default scopes), from cache when fresh. */
    public AgentToken token(String agent, String... scopes) {
        return token(AgentKey.of(agent, Arrays.asList(scopes)));
    }

    public AgentToken token(String agent, Collection<String> scopes) {
        return token(AgentKey.of(agent, scopes));
    }

    public AgentToken token(AgentKey key) {
        Slot slot = slots.computeIfAbsent(key, k -> new Slot());
        CompletableFuture<AgentToken> flight;
        boolean leader = false;
        AgentToken stale;
        synchronized (slot) {
            if (slot.current != null && clock.instant().isBefore(slot.refreshAt)) return slot.current;
            stale = slot.current;
            if (slot.inFlight == null) {
                slot.inFlight = new CompletableFuture<>();
                leader = true;
            }
            flight = slot.inFlight;
        }
        if (leader) {
            lead(key, slot, flight, stale);
        }
        return await(flight, key);
    }

    /**
     * Starts using the refresh token an agent's authorization-code sign-in produced: from now on this agent's tokens
     * come from the {@code refresh_token} grant (and the rotated refresh tokens are kept in the store).
     */
    public void useRefreshToken(String agent, String refreshToken) {
        Objects.requireNonNull(refreshToken, "refreshToken");
        refreshTokens.save(agent, refreshToken);
        invalidate(agent);
    }

    /**
     * Completes an authorization-code + PKCE sign-in: exchanges the code, keeps the refresh token for the agent, and
     * caches and returns the access token (under the scopes the server granted).
     */
    public AgentToken exchangeAuthorizationCode(String agent, String code, String codeVerifier, URI redirectUri) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("grant_type", "authorization_code");
        params.put("code", code);
        params.put("code_verifier", codeVerifier);
        params.put("redirect_uri", redirectUri.toString());
        params.put("client_id", clientId);
        AgentKey pending = AgentKey.of(agent, List.of());
        Timed granted = requestWithRetries(pending, params, false);
        if (granted.granted().refreshToken() != null) refreshTokens.save(agent, granted.granted().refreshToken());
        AgentToken token = new AgentToken(granted.granted().accessToken(), granted.granted().expiresAt(),
                granted.granted().scopes(), agent);
        AgentKey key = AgentKey.of(agent, token.scopes());
        Slot slot = slots.computeIfAbsent(key, k -> new Slot());
        synchronized (slot) {
            slot.current = token;
            slot.refreshAt = refreshAt(granted.sentAt(), token.expiresAt());
        }
        return token;
    }

    /** Drops the cached tokens of this agent (all scope sets): the next call asks the platform again. */
    public void invalidate(String agent) {
        slots.forEach((key, slot) -> {
            if (key.agent().equals(agent)) {
                synchronized (slot) {
                    slot.current = null;
                }
            }
        });
    }

    /** Drops the cached token of this agent and scope set, for example after the platform said it was revoked. */
    public void invalidate(AgentKey key) {
        Slot slot = slots.get(key);
        if (slot != null) {
            synchronized (slot) {
                slot.current = null;
            }
        }
    }

    /** Forgets the agent entirely (cached tokens and refresh token), e.g. when it signs out of the desktop. */
    public void forget(String agent) {
        refreshTokens.remove(agent);
        slots.keySet().removeIf(k -> k.agent().equals(agent));
    }

    /** The token endpoint this broker talks to. */
    public URI tokenEndpoint() {
        return endpoint.uri();
    }

    private void lead(AgentKey key, Slot slot, CompletableFuture<AgentToken> flight, AgentToken stale) {
        try {
            Timed fresh = fetch(key);
            AgentToken token = new AgentToken(fresh.granted().accessToken(), fresh.granted().expiresAt(),
                    fresh.granted().scopes(), key.agent());
            synchronized (slot) {
                slot.current = token;
                slot.refreshAt = refreshAt(fresh.sentAt(), token.expiresAt());
                slot.inFlight = null;
            }
            flight.complete(token);
        } catch (TokenBrokerException e) {
            // A transient failure while the previous token still works: keep serving it, the next call tries again.
            boolean keepStale = e.isTransient() && stale != null && clock.instant().isBefore(stale.expiresAt());
            synchronized (slot) {
                slot.inFlight = null;
            }
            if (keepStale) {
                log.log(Level.WARNING, "Refreshing the token of agent {0} failed for now ({1}); the current token stays in use until {2}",
                        key.agent(), e.getMessage(), stale.expiresAt());
                flight.complete(stale);
            } else {
                flight.completeExceptionally(e);
            }
        } catch (RuntimeException | Error e) {
            synchronized (slot) {
                slot.inFlight = null;
            }
            flight.completeExceptionally(e);
            throw e;
        }
    }

    private Instant refreshAt(Instant issued, Instant expiresAt) {
        Duration lifetime = Duration.between(issued, expiresAt);
        if (lifetime.isNegative() || lifetime.isZero()) return issued;
        // A token that lives shorter than twice the margin is refreshed at half its life instead.
        Duration margin = refreshMargin.compareTo(lifetime.dividedBy(2)) > 0 ? lifetime.dividedBy(2) : refreshMargin;
        return expiresAt.minus(margin);
    }

    private static AgentToken await(CompletableFuture<AgentToken> flight, AgentKey key) {
        try {
            return flight.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw TokenBrokerException.local(key, "interrupted while waiting for the token", null);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        }
    }

    private record Timed(TokenEndpoint.Granted granted, Instant sentAt) {}

    private Timed fetch(AgentKey key) {
        if (refreshTokens.find(key.agent()).isPresent()) {
            return refresh(key);
        }
        if (signer == null) {
            throw TokenBrokerException.local(key, "the broker has no assertion signer and agent " + key.agent()
                    + " has no refresh token", "Configure the broker with an AssertionSigner (jwt-bearer grant), or sign the agent in "
                    + "with the authorization-code flow and pass its refresh token to useRefreshToken.");
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put("grant_type", JWT_BEARER);
        params.put("assertion", null); // signed per attempt: each assertion is single use
        params.put("scope", key.scopeParameter());
        return requestWithRetries(key, params, true);
    }

    /** The refresh_token grant, one request per agent at a time, since each refresh rotates the agent's refresh token. */
    private Timed refresh(AgentKey key) {
        ReentrantLock lock = refreshLocks.computeIfAbsent(key.agent(), a -> new ReentrantLock());
        lock.lock();
        try {
            Optional<String> refreshToken = refreshTokens.find(key.agent());
            if (refreshToken.isEmpty()) return fetch(key);
            Map<String, String> params = new LinkedHashMap<>();
            params.put("grant_type", "refresh_token");
            params.put("refresh_token", refreshToken.get());
            params.put("scope", key.scopeParameter());
            try {
                Timed timed = requestWithRetries(key, params, false);
                if (timed.granted().refreshToken() != null) {
                    refreshTokens.save(key.agent(), timed.granted().refreshToken());
                }
                return timed;
            } catch (TokenBrokerException e) {
                if (!e.isTransient() && "invalid_grant".equals(e.error().orElse(null))) {
                    // The refresh token is dead (expired, revoked, or rotated away): only a new sign-in helps.
                    refreshTokens.remove(key.agent());
                    log.log(Level.WARNING, "The refresh token of agent {0} was refused ({1}: {2}); the agent must sign in again",
                            key.agent(), e.code().orElse("invalid_grant"), e.serverMessage());
                }
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }

    private Timed requestWithRetries(AgentKey key, Map<String, String> params, boolean signAssertion) {
        String grant = params.get("grant_type");
        for (int attempt = 1; ; attempt++) {
            Instant sentAt = clock.instant();
            if (signAssertion) params.put("assertion", assertion(key.agent(), sentAt));
            log.log(Level.DEBUG, "Requesting a token for agent {0} (scopes [{1}], grant {2}, attempt {3})",
                    key.agent(), key.scopeParameter(), grant, attempt);
            TokenEndpoint.Outcome outcome = endpoint.post(params, sentAt, key.scopes());
            if (outcome instanceof TokenEndpoint.Success(TokenEndpoint.Granted granted)) {
                log.log(Level.DEBUG, "Token for agent {0} obtained (scopes {1}, expires {2})", key.agent(), granted.scopes(),
                        granted.expiresAt());
                return new Timed(granted, sentAt);
            }
            TokenEndpoint.Refused r = ((TokenEndpoint.Failure) outcome).refused();
            boolean tooLongToWait = r.retryAfter() != null && r.retryAfter().compareTo(retry.maxRetryAfter()) > 0;
            if (!r.transientFailure() || attempt >= retry.maxAttempts() || tooLongToWait) {
                TokenBrokerException e = new TokenBrokerException(key, r.status(), r.error(), r.code(), r.message(), r.hint(),
                        r.transientFailure(), r.retryAfter(), attempt, r.cause());
                log.log(r.transientFailure() ? Level.WARNING : Level.INFO, e.getMessage());
                throw e;
            }
            Duration delay = retry.backoff(attempt, ThreadLocalRandom.current().nextDouble());
            if (r.retryAfter() != null && r.retryAfter().compareTo(delay) > 0) delay = r.retryAfter();
            log.log(Level.WARNING, "Token request for agent {0} failed (attempt {1} of {2}: {3}); retrying in {4} ms",
                    key.agent(), attempt, retry.maxAttempts(), r.status() == 0 ? r.message() : "HTTP " + r.status()
                            + (r.code() != null ? " " + r.code() : ""), delay.toMillis());
            try {
                sleeper.sleep(delay);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw TokenBrokerException.local(key, "interrupted while waiting to retry the token request", null);
            }
        }
    }

    private String assertion(String agent, Instant now) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(clientId)
                .subject(agent)
                .audience(endpoint.uri().toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(assertionLifetime)))
                .jwtID(UUID.randomUUID().toString())
                .build();
        return signer.sign(claims);
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public String toString() {
        return "AgentTokenBroker[client=" + clientId + ", endpoint=" + endpoint.uri() + ", signer=" + signer
                + ", cached keys=" + slots.size() + "]";
    }

    /** Configures a broker; only the platform URL, client id and client secret are required. */
    public static final class Builder {
        private final URI platform;
        private final String clientId;
        private final String clientSecret;
        private URI tokenEndpoint;
        private AssertionSigner signer;
        private Duration assertionLifetime = Duration.ofMinutes(1);
        private Duration refreshMargin = Duration.ofSeconds(60);
        private RetryPolicy retry = RetryPolicy.DEFAULT;
        private Clock clock = Clock.systemUTC();
        private RefreshTokenStore refreshTokens = RefreshTokenStore.inMemory();
        private HttpClient httpClient;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Sleeper sleeper = d -> Thread.sleep(d.toMillis());

        private Builder(URI platform, String clientId, String clientSecret) {
            this.platform = Objects.requireNonNull(platform, "platform");
            this.clientId = Objects.requireNonNull(clientId, "clientId");
            this.clientSecret = Objects.requireNonNull(clientSecret, "clientSecret");
        }

        /** Signs jwt-bearer assertions with the client secret (HS256): the usual choice for a confidential backend. */
        public Builder hs256Assertions() {
            return assertionSigner(AssertionSigner.hs256(clientSecret));
        }

        /** Signs jwt-bearer assertions with this signer (HS256, RS256 or ES256). Without one, only refresh tokens work. */
        public Builder assertionSigner(AssertionSigner signer) {
            this.signer = Objects.requireNonNull(signer, "signer");
            return this;
        }

        /** How long each assertion is valid (default 1 minute; the platform accepts at most 5). */
        public Builder assertionLifetime(Duration lifetime) {
            if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("the assertion lifetime must be positive and at most 5 minutes");
            }
            this.assertionLifetime = lifetime;
            return this;
        }

        /** How long before expiry a cached token is replaced (default 60 s; at most half the token's lifetime is used). */
        public Builder refreshMargin(Duration margin) {
            if (margin.isNegative()) throw new IllegalArgumentException("the refresh margin must not be negative");
            this.refreshMargin = margin;
            return this;
        }

        public Builder retryPolicy(RetryPolicy retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        /** The clock that decides expiry and assertion times (tests pass a controllable one). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Builder refreshTokenStore(RefreshTokenStore store) {
            this.refreshTokens = Objects.requireNonNull(store, "store");
            return this;
        }

        /** Overrides {@code <platform>/oauth2/token}, e.g. with the token endpoint found by discovery. */
        public Builder tokenEndpoint(URI tokenEndpoint) {
            this.tokenEndpoint = tokenEndpoint;
            return this;
        }

        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = httpClient;
            return this;
        }

        public Builder timeouts(Duration connect, Duration request) {
            this.connectTimeout = Objects.requireNonNull(connect);
            this.requestTimeout = Objects.requireNonNull(request);
            return this;
        }

        Builder sleeper(Sleeper sleeper) {
            this.sleeper = sleeper;
            return this;
        }

        public AgentTokenBroker build() {
            return new AgentTokenBroker(this);
        }

        @Override
        public String toString() {
            return "AgentTokenBroker.Builder[client=" + clientId + ", platform=" + platform + "]";
        }
    }
}
