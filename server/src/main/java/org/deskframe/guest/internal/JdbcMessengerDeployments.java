package org.deskframe.guest.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.guest.BusinessHours;
import org.deskframe.guest.MessengerDeployment;
import org.deskframe.guest.MessengerDeployments;
import org.deskframe.identity.QueueDirectory;
import org.deskframe.identity.SecretsAtRest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Deployments in {@code messenger_deployments}; the HS256 secret encrypted at rest (identity's cipher). */
@Repository
class JdbcMessengerDeployments implements MessengerDeployments {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String COLUMNS = "id, org_id, name, allowed_origins, queue_id, greeting, business_hours, offline_message, "
            + "prechat_fields, verification_secret, verification_jwks, created_at, updated_at, attachment_max_bytes, attachment_types";

    private final JdbcClient jdbc;
    private final QueueDirectory queues;
    private final SecretsAtRest secrets;

    JdbcMessengerDeployments(JdbcClient jdbc, QueueDirectory queues, SecretsAtRest secrets) {
        this.jdbc = jdbc;
        this.queues = queues;
        this.secrets = secrets;
    }

    @Override
    public Optional<MessengerDeployment> find(String id) {
        return jdbc.sql("select " + COLUMNS + " from messenger_deployments where id = ?").param(id).query(this::row).optional();
    }

    @Override
    public List<MessengerDeployment> inOrg(String orgId) {
        return jdbc.sql("select " + COLUMNS + " from messenger_deployments where org_id = ? order by id").param(orgId)
                .query(this::row).list();
    }

    @Override
    public MessengerDeployment create(String orgId, Definition d) {
        DeploymentRules.check(d);
        requireQueue(orgId, d.queueId());
        if (find(d.id()).isPresent()) throw ProblemException.of(ErrorCode.CONFLICT, Map.of("resource", "Messenger deployment " + d.id()));
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.sql("insert into messenger_deployments (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(d.id(), orgId, d.name().strip(), JSON.writeValueAsString(List.copyOf(DeploymentRules.origins(d.allowedOrigins()))),
                        d.queueId(), blankToNull(d.greeting()), hours(d.businessHours()), blankToNull(d.offlineMessage()),
                        JSON.writeValueAsString(prechat(d)), d.verificationSecret() == null ? null : secrets.encrypt(d.verificationSecret()),
                        d.verificationJwksUrl(), now, now, maxBytes(d), types(d))
                .update();
        return find(d.id()).orElseThrow();
    }

    @Override
    public MessengerDeployment update(String id, Definition d) {
        MessengerDeployment existing = find(id).orElseThrow(() -> ProblemException.of(ErrorCode.NOT_FOUND,
                Map.of("resource", "Messenger deployment " + id)));
        DeploymentRules.check(d);
        requireQueue(existing.orgId(), d.queueId());
        String secret = d.verificationSecret() != null ? secrets.encrypt(d.verificationSecret())
                : d.keepSecret() && d.verificationJwksUrl() == null ? storedSecret(id) : null;
        jdbc.sql("update messenger_deployments set name = ?, allowed_origins = ?, queue_id = ?, greeting = ?, business_hours = ?, "
                        + "offline_message = ?, prechat_fields = ?, verification_secret = ?, verification_jwks = ?, updated_at = ?, "
                        + "attachment_max_bytes = ?, attachment_types = ? where id = ?")
                .params(d.name().strip(), JSON.writeValueAsString(List.copyOf(DeploymentRules.origins(d.allowedOrigins()))), d.queueId(),
                        blankToNull(d.greeting()), hours(d.businessHours()), blankToNull(d.offlineMessage()), JSON.writeValueAsString(prechat(d)),
                        secret, d.verificationJwksUrl(), Timestamp.from(Instant.now()), maxBytes(d), types(d), id)
                .update();
        return find(id).orElseThrow();
    }

    @Override
    public void delete(String id) {
        jdbc.sql("delete from messenger_deployments where id = ?").param(id).update();
    }

    /** The HS256 secret in clear, for checking customer tokens (null when the deployment has none). */
    String secretOf(String id) {
        String stored = storedSecret(id);
        return stored == null ? null : secrets.decrypt(stored);
    }

    private String storedSecret(String id) {
        return jdbc.sql("select verification_secret from messenger_deployments where id = ?").param(id)
                .query(String.class).optional().orElse(null);
    }

    private void requireQueue(String orgId, String queueId) {
        if (queues.find(queueId).filter(q -> q.orgId().equals(orgId)).isEmpty()) {
            DeploymentRules.invalid("queue '" + queueId + "' is not a queue of organisation " + orgId
                    + " (create it first: POST /api/v2/admin/orgs/" + orgId + "/queues)");
        }
    }

    private static List<String> prechat(Definition d) {
        return d.prechatFields() == null ? List.of() : d.prechatFields().stream().distinct().toList();
    }

    private static Long maxBytes(Definition d) {
        return d.attachments() == null ? null : d.attachments().maxBytes();
    }

    private static String types(Definition d) {
        return d.attachments() == null || d.attachments().allowedTypes() == null ? null
                : JSON.writeValueAsString(d.attachments().allowedTypes().stream().map(String::strip).distinct().toList());
    }

    private static MessengerDeployment.Attachments attachments(ResultSet rs) throws SQLException {
        long max = rs.getLong("attachment_max_bytes");
        Long maxBytes = rs.wasNull() ? null : max;
        String json = rs.getString("attachment_types");
        List<String> types = null;
        if (json != null) {
            types = new ArrayList<>();
            for (JsonNode t : JSON.readTree(json)) types.add(t.asString());
        }
        return new MessengerDeployment.Attachments(maxBytes, types);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    static String hours(BusinessHours hours) {
        if (hours == null) return null;
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("timeZone", hours.timeZone().getId());
        json.put("periods", hours.periods().stream().map(p -> Map.of("day", p.day().name(), "opens", p.opens().toString(),
                "closes", p.closes().toString())).toList());
        return JSON.writeValueAsString(json);
    }

    static BusinessHours hours(String json) {
        if (json == null) return null;
        JsonNode n = JSON.readTree(json);
        List<BusinessHours.Period> periods = new ArrayList<>();
        for (JsonNode p : n.get("periods")) {
            periods.add(new BusinessHours.Period(DayOfWeek.valueOf(p.get("day").asString()), LocalTime.parse(p.get("opens").asString()),
                    LocalTime.parse(p.get("closes").asString())));
        }
        return new BusinessHours(ZoneId.of(n.get("timeZone").asString()), periods);
    }

    private MessengerDeployment row(ResultSet rs, int n) throws SQLException {
        List<String> origins = new ArrayList<>();
        JSON.readTree(rs.getString("allowed_origins")).forEach(o -> origins.add(o.asString()));
        List<String> prechat = new ArrayList<>();
        JSON.readTree(rs.getString("prechat_fields")).forEach(o -> prechat.add(o.asString()));
        boolean secret = rs.getString("verification_secret") != null;
        String jwks = rs.getString("verification_jwks");
        return new MessengerDeployment(rs.getString("id"), rs.getString("org_id"), rs.getString("name"),
                new java.util.LinkedHashSet<>(origins), rs.getString("queue_id"), rs.getString("greeting"),
                hours(rs.getString("business_hours")), rs.getString("offline_message"), prechat,
                secret || jwks != null ? new MessengerDeployment.Verification(secret, jwks) : null,
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant(), attachments(rs));
    }
}
