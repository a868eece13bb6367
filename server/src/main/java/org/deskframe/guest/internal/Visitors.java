package org.deskframe.guest.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.deskframe.guest.CustomerProfile;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/**
 * The browsers that may come back to their conversation: each holds a resume credential (a random secret the messenger
 * keeps in the page's localStorage), of which only the SHA-256 is stored, with the customer and conversation it leads to.
 */
@Repository
class Visitors {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SecureRandom RANDOM = new SecureRandom();

    record Visitor(String credentialHash, String deploymentId, String orgId, String customerId, String conversationId,
                   boolean verified, CustomerProfile profile, Instant lastSeen) {}

    private final JdbcClient jdbc;

    Visitors(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    static String newCredential() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return "gr_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String newGuestId() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return "g_" + HexFormat.of().formatHex(b);
    }

    static String hash(String credential) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(credential.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Optional<Visitor> find(String credential) {
        return jdbc.sql("select credential_hash, deployment_id, org_id, customer_id, conversation_id, verified, profile, last_seen_at "
                        + "from guest_visitors where credential_hash = ?").param(hash(credential))
                .query((rs, n) -> new Visitor(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getBoolean(6), profile(rs.getString(7)), rs.getTimestamp(8).toInstant())).optional();
    }

    /** The newest conversation a verified customer had through this deployment (another device's, or an older visit's). */
    Optional<String> latestConversation(String deploymentId, String customerId) {
        return jdbc.sql("select conversation_id from guest_visitors where deployment_id = ? and customer_id = ? "
                        + "order by last_seen_at desc").params(deploymentId, customerId).query(String.class).list().stream().findFirst();
    }

    void add(String credential, String deploymentId, String orgId, CustomerProfile profile, String conversationId, Instant now) {
        jdbc.sql("insert into guest_visitors (credential_hash, deployment_id, org_id, customer_id, conversation_id, verified, profile, "
                        + "created_at, last_seen_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(hash(credential), deploymentId, orgId, profile.id(), conversationId, profile.verified(),
                        JSON.writeValueAsString(profile), Timestamp.from(now), Timestamp.from(now)).update();
    }

    void touch(Visitor v, String conversationId, CustomerProfile profile, Instant now) {
        jdbc.sql("update guest_visitors set conversation_id = ?, profile = ?, last_seen_at = ? where credential_hash = ?")
                .params(conversationId, JSON.writeValueAsString(profile), Timestamp.from(now), v.credentialHash()).update();
    }

    private static CustomerProfile profile(String json) {
        var n = JSON.readTree(json);
        Map<String, String> attributes = new java.util.LinkedHashMap<>();
        var a = n.get("attributes");
        if (a != null) a.properties().forEach(e -> attributes.put(e.getKey(), e.getValue().asString()));
        return new CustomerProfile(n.get("id").asString(), text(n, "name"), text(n, "email"), n.get("verified").asBoolean(), attributes);
    }

    private static String text(tools.jackson.databind.JsonNode n, String field) {
        var v = n.get(field);
        return v == null || v.isNull() ? null : v.asString();
    }
}
