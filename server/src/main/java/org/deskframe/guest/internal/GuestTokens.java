package org.deskframe.guest.internal;

import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.deskframe.guest.GuestSettings;
import org.deskframe.identity.RegionSettings;
import org.deskframe.identity.Scope;
import org.deskframe.identity.AccessTokenSigner;
import org.deskframe.tokens.AccessTokenVerifier;
import org.springframework.stereotype.Component;

/**
 * Issues guest access tokens: the region's issuer, audience and signing keys (so the one access-token verifier checks
 * them), scope {@code guest} only, bound by the {@code guest} claim to customer, deployment and conversation.
 */
@Component
class GuestTokens {

    record Issued(String token, Instant expiresAt) {}

    private final AccessTokenSigner keys;
    private final RegionSettings region;
    private final GuestSettings settings;

    GuestTokens(AccessTokenSigner keys, RegionSettings region, GuestSettings settings) {
        this.keys = keys;
        this.region = region;
        this.settings = settings;
    }

    Issued issue(String orgId, String deploymentId, String customerId, String conversationId, boolean verified, Instant now) {
        Instant exp = now.plus(settings.tokenLifetime());
        Map<String, Object> guest = new LinkedHashMap<>();
        guest.put("customer", customerId);
        guest.put("deployment", deploymentId);
        guest.put("conversation", conversationId);
        guest.put("verified", verified);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(region.issuer())
                .audience(region.apiAudience())
                .subject("customer:" + customerId)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(exp))
                .jwtID(UUID.randomUUID().toString())
                .claim("org", orgId)
                .claim("region", region.id())
                .claim("scope", Scope.GUEST.value())
                .claim(AccessTokenVerifier.GUEST_CLAIM, guest)
                .build();
        return new Issued(keys.signAccessToken(claims, "messenger:" + deploymentId), exp);
    }
}
