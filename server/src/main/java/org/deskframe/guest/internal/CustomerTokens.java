package org.deskframe.guest.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.guest.CustomerProfile;
import org.deskframe.guest.GuestSettings;
import org.deskframe.guest.MessengerDeployment;
import org.deskframe.identity.IdentitySettings;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Checks a customer token the integrator's backend signed (Nimbus: HS256 with the deployment's secret, or RS256/ES256
 * with a key of its JWKS), then its times, then takes its {@code jti} once (a second use is a replay). A verified
 * customer's id is derived from the organisation and {@code sub}, so the same customer is the same participant on
 * every device and sees its earlier conversations.
 */
@Component
class CustomerTokens {

    /** Claims that describe the token itself; every other claim of a string value is a customer attribute. */
    private static final Set<String> REGISTERED = Set.of("iss", "sub", "aud", "exp", "nbf", "iat", "jti", "name", "email");

    private final JdbcMessengerDeployments deployments;
    private final JdbcClient jdbc;
    private final Duration maxLifetime;
    private final Duration skew;
    private final Clock clock;
    private final Map<String, JWKSource<SecurityContext>> jwksSources = new ConcurrentHashMap<>();
    private final AtomicInteger usesSincePurge = new AtomicInteger();

    @Autowired
    CustomerTokens(JdbcMessengerDeployments deployments, JdbcClient jdbc, GuestSettings settings, IdentitySettings identity) {
        this(deployments, jdbc, settings.customerTokenMaxLifetime(), identity.clockSkew(), Clock.systemUTC());
    }

    CustomerTokens(JdbcMessengerDeployments deployments, JdbcClient jdbc, Duration maxLifetime, Duration skew, Clock clock) {
        this.deployments = deployments;
        this.jdbc = jdbc;
        this.maxLifetime = maxLifetime;
        this.skew = skew;
        this.clock = clock;
    }

    CustomerProfile verify(MessengerDeployment d, String token) {
        if (d.verification() == null) {
            throw ProblemException.of(ErrorCode.CUSTOMER_VERIFICATION_OFF, Map.of("deployment", d.id()));
        }
        JWTClaimsSet claims = signedClaims(d, token.trim());
        Instant now = clock.instant();
        if (claims.getExpirationTime() == null || claims.getIssueTime() == null || claims.getSubject() == null
                || claims.getJWTID() == null || claims.getSubject().isBlank() || claims.getJWTID().isBlank()) {
            throw invalid(d, "it must carry sub, iat, exp and jti");
        }
        Instant exp = claims.getExpirationTime().toInstant();
        Instant iat = claims.getIssueTime().toInstant();
        if (now.isAfter(exp.plus(skew))) {
            throw ProblemException.of(ErrorCode.CUSTOMER_TOKEN_EXPIRED, Map.of("deployment", d.id(), "expiredAt", exp.toString()));
        }
        if (iat.isAfter(now.plus(skew))) throw invalid(d, "its iat " + iat + " is in the future (check the signing server's clock)");
        if (Duration.between(iat, exp).compareTo(maxLifetime) > 0) {
            throw invalid(d, "it lives " + Duration.between(iat, exp).toSeconds() + " s from iat to exp; at most "
                    + maxLifetime.toSeconds() + " s are accepted");
        }
        List<String> aud = claims.getAudience();
        if (aud != null && !aud.isEmpty() && !aud.contains(d.id())) {
            throw invalid(d, "its aud " + aud + " does not name the deployment '" + d.id() + "'");
        }
        if (claims.getSubject().length() > 200 || claims.getJWTID().length() > 200) throw invalid(d, "sub and jti take at most 200 characters");
        takeOnce(d, claims.getJWTID(), exp.plus(skew));
        return profile(d, claims);
    }

    /** A stable id of a verified customer within its organisation (never the raw sub, which may be an email). */
    static String customerId(String orgId, String subject) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest((orgId + "\n" + subject).getBytes(StandardCharsets.UTF_8));
            return "v_" + HexFormat.of().formatHex(h, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private JWTClaimsSet signedClaims(MessengerDeployment d, String token) {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        // The integrator's tokens are plain JWTs ("JWT" or no typ); the times are checked below, with their own codes.
        processor.setJWSTypeVerifier((type, context) -> { });
        processor.setJWTClaimsSetVerifier((claims, context) -> { });
        if (d.verification().hasSecret()) {
            String secret = deployments.secretOf(d.id());
            processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.HS256,
                    new ImmutableSecret<>(secret.getBytes(StandardCharsets.UTF_8))));
        } else {
            processor.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256),
                    jwks(d.verification().jwksUrl())));
        }
        try {
            return processor.process(token, null);
        } catch (ParseException e) {
            throw invalid(d, "it is not a signed JWT (" + e.getMessage() + ")");
        } catch (BadJOSEException e) {
            throw invalid(d, (d.verification().hasSecret() ? "with the deployment's HS256 secret: " : "with the deployment's JWKS: ")
                    + e.getMessage());
        } catch (JOSEException e) {
            throw invalid(d, "its signature cannot be checked (" + e.getMessage() + ")");
        }
    }

    private JWKSource<SecurityContext> jwks(String url) {
        return jwksSources.computeIfAbsent(url, u -> {
            try {
                return JWKSourceBuilder.create(URI.create(u).toURL()).retrying(true).build();
            } catch (MalformedURLException e) {
                throw new IllegalStateException("bad JWKS URL " + u, e);
            }
        });
    }

    private void takeOnce(MessengerDeployment d, String jti, Instant keepUntil) {
        if (usesSincePurge.incrementAndGet() >= 100) {
            usesSincePurge.set(0);
            jdbc.sql("delete from customer_token_uses where expires_at < ?").param(Timestamp.from(clock.instant())).update();
        }
        try {
            jdbc.sql("insert into customer_token_uses (deployment_id, jti, expires_at) values (?, ?, ?)")
                    .params(d.id(), jti, Timestamp.from(keepUntil)).update();
        } catch (DuplicateKeyException e) {
            throw ProblemException.of(ErrorCode.CUSTOMER_TOKEN_REPLAYED, Map.of("deployment", d.id(), "jti", jti));
        }
    }

    private static CustomerProfile profile(MessengerDeployment d, JWTClaimsSet claims) {
        Map<String, String> attributes = new LinkedHashMap<>();
        claims.getClaims().forEach((k, v) -> {
            if (!REGISTERED.contains(k) && v != null && attributes.size() < 50) {
                String s = String.valueOf(v);
                attributes.put(k, s.length() > 1000 ? s.substring(0, 1000) : s);
            }
        });
        return new CustomerProfile(customerId(d.orgId(), claims.getSubject()), stringClaim(claims, "name"),
                stringClaim(claims, "email"), true, attributes);
    }

    private static String stringClaim(JWTClaimsSet claims, String name) {
        Object v = claims.getClaim(name);
        return v instanceof String s && !s.isBlank() ? s : null;
    }

    private static ProblemException invalid(MessengerDeployment d, String reason) {
        return ProblemException.of(ErrorCode.CUSTOMER_TOKEN_INVALID, Map.of("deployment", d.id(), "reason", reason));
    }
}
