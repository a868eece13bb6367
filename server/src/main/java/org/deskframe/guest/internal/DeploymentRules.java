package org.deskframe.guest.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.MACSigner;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.guest.MessengerDeployment;
import org.deskframe.guest.MessengerDeployments.Definition;
import org.deskframe.identity.Ids;
import org.deskframe.identity.OAuthClient;

/**
 * The checks of a deployment's definition that need nothing but the definition: each failure names its field, so an
 * admin fixes it in one go. (The target queue's existence is checked against identity by the store.)
 */
final class DeploymentRules {

    static final int MAX_ORIGINS = 50;

    private DeploymentRules() {}

    static void check(Definition d) {
        if (d.id() == null || !d.id().matches(Ids.PATTERN)) invalid("id " + Ids.RULE);
        if (d.name() == null || d.name().isBlank() || d.name().length() > 200) invalid("name must be 1-200 characters");
        origins(d.allowedOrigins());
        if (d.queueId() == null || d.queueId().isBlank()) invalid("queue is required: the id of a queue of the organisation");
        if (d.greeting() != null && d.greeting().length() > 2000) invalid("greeting must be at most 2000 characters");
        if (d.offlineMessage() != null && d.offlineMessage().length() > 2000) invalid("offlineMessage must be at most 2000 characters");
        if (d.offlineMessage() != null && !d.offlineMessage().isBlank() && d.businessHours() == null) {
            invalid("offlineMessage needs businessHours (outside them the customer is told the offline message)");
        }
        if (d.businessHours() != null && d.businessHours().periods().isEmpty()) {
            invalid("businessHours needs at least one period (leave businessHours out for always open)");
        }
        for (String f : d.prechatFields() == null ? List.<String>of() : d.prechatFields()) {
            if (!MessengerDeployment.PRECHAT_FIELDS.contains(f)) {
                invalid("prechatFields: '" + f + "' is not one of " + MessengerDeployment.PRECHAT_FIELDS);
            }
        }
        if (d.verificationSecret() != null && d.verificationJwksUrl() != null) {
            invalid("verification takes either an HS256 secret or a JWKS URL, not both");
        }
        if (d.verificationSecret() != null) {
            try {
                new MACSigner(d.verificationSecret().getBytes(StandardCharsets.UTF_8));
            } catch (JOSEException e) {
                invalid("verification.secret must be at least 32 bytes (HS256 with a 256-bit key)");
            }
        }
        if (d.verificationJwksUrl() != null) jwksUrl(d.verificationJwksUrl());
        attachments(d.attachments());
    }

    private static final java.util.regex.Pattern MEDIA_TYPE =
            java.util.regex.Pattern.compile("[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/(\\*|[a-z0-9][a-z0-9!#$&^_.+-]{0,126})");

    private static void attachments(MessengerDeployment.Attachments a) {
        if (a == null) return;
        long ceiling = org.deskframe.messaging.AttachmentSettings.CEILING;
        if (a.maxBytes() != null && (a.maxBytes() < 1 || a.maxBytes() > ceiling)) {
            invalid("attachments.maxBytes must be between 1 and " + ceiling + " (100 MiB)");
        }
        if (a.allowedTypes() == null) return;
        if (a.allowedTypes().size() > 50) invalid("attachments.allowedTypes takes at most 50 types");
        for (String t : a.allowedTypes()) {
            if (t == null || !MEDIA_TYPE.matcher(t.strip()).matches()) {
                invalid("attachments.allowedTypes: '" + t + "' is not a lower-case content type such as image/png or image/*");
            }
        }
    }

    /** Exact origins, as for OAuth clients' embedding origins: scheme://host[:port], no path, no wildcard. */
    static Set<String> origins(List<String> origins) {
        if (origins == null || origins.isEmpty()) invalid("allowedOrigins needs at least one origin (scheme://host[:port])");
        if (origins.size() > MAX_ORIGINS) invalid("allowedOrigins takes at most " + MAX_ORIGINS + " origins");
        List<String> bad = new ArrayList<>();
        for (String o : origins) {
            if (o == null || !o.matches(OAuthClient.EMBED_ORIGIN_PATTERN)) bad.add(String.valueOf(o));
        }
        if (!bad.isEmpty()) {
            invalid("allowedOrigins " + bad + " must be exact origins scheme://host[:port] with no path, no trailing slash and no wildcard");
        }
        return new LinkedHashSet<>(origins);
    }

    private static void jwksUrl(String url) {
        try {
            URI u = URI.create(url);
            if (!("https".equals(u.getScheme()) || "http".equals(u.getScheme())) || u.getHost() == null) {
                invalid("verification.jwksUrl must be an http(s) URL");
            }
        } catch (IllegalArgumentException e) {
            invalid("verification.jwksUrl is not a URL");
        }
    }

    static void invalid(String reason) {
        throw ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason", reason));
    }
}
