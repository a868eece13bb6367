package org.deskframe.messaging.internal;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.identity.IdentitySettings;
import org.deskframe.identity.Scope;
import org.deskframe.messaging.Attachment;
import org.deskframe.messaging.AttachmentLimits;
import org.deskframe.messaging.AttachmentSettings;
import org.deskframe.messaging.AttachmentStore;
import org.deskframe.messaging.Conversation;
import org.deskframe.messaging.ConversationLog;
import org.deskframe.messaging.CustomerAttachmentLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Files sent in conversations: the sender's limits, the sniffing, the bytes into the {@link AttachmentStore}, the row,
 * then the message that refers to it through the conversation log (so it is delivered, acknowledged and resumed like
 * any message). Bytes first, row second, message last: a crash in between leaves only what no message refers to.
 */
@Configuration(proxyBeanMethods = false)
class ConversationAttachments {

    private static final Logger log = LoggerFactory.getLogger(ConversationAttachments.class);
    static final String AGENT_SETTING = "deskframe.messaging.attachments.max-bytes / allowed-types";

    private final MemberConversations conversations;
    private final ConversationLog conversationLog;
    private final JdbcClient jdbc;
    private final AttachmentSettings settings;
    private final ObjectProvider<AttachmentStore> stores;
    private final ObjectProvider<CustomerAttachmentLimits> customerLimits;

    ConversationAttachments(MemberConversations conversations, ConversationLog conversationLog, JdbcClient jdbc,
                            AttachmentSettings settings, ObjectProvider<AttachmentStore> stores,
                            ObjectProvider<CustomerAttachmentLimits> customerLimits) {
        this.conversations = conversations;
        this.conversationLog = conversationLog;
        this.jdbc = jdbc;
        this.settings = settings;
        this.stores = stores;
        this.customerLimits = customerLimits;
    }

    /** The default store: files under the configured directory, or the data directory's attachments/. */
    @Bean
    static AttachmentStore fileSystemAttachmentStore(AttachmentSettings settings, IdentitySettings identity) {
        String dir = settings.directory();
        return new FileSystemAttachmentStore(dir == null || dir.isBlank() ? Path.of(identity.dataDir(), "attachments") : Path.of(dir));
    }

    record Upload(String fileName, long declaredSize, IoSource content) {}

    @FunctionalInterface
    interface IoSource {
        InputStream open() throws IOException;
    }

    record Sent(Attachment attachment, ConversationLog.Appended appended) {}

    /** Limits and where they are set, for this member. */
    record SenderLimits(AttachmentLimits limits, String setting, String who) {}

    SenderLimits limitsFor(Member m) {
        AttachmentLimits platform = settings.limits();
        if (!m.isCustomer()) return new SenderLimits(platform, AGENT_SETTING, "agents");
        String deployment = m.token().guest().deploymentId();
        Optional<CustomerAttachmentLimits.Limits> own = Optional.ofNullable(customerLimits.getIfAvailable())
                .flatMap(p -> p.forDeployment(deployment));
        Long ownMax = own.map(CustomerAttachmentLimits.Limits::maxBytes).orElse(null);
        long max = ownMax != null ? ownMax : platform.maxBytes();
        var types = own.map(CustomerAttachmentLimits.Limits::allowedTypes).filter(t -> !t.isEmpty()).orElse(platform.allowedTypes());
        return new SenderLimits(new AttachmentLimits(Math.min(max, AttachmentSettings.CEILING), types),
                "messenger deployment " + deployment + "'s attachments (admin API: PUT /api/v2/admin/orgs/" + m.orgId()
                        + "/messenger-deployments/" + deployment + ")", "customers of messenger deployment " + deployment);
    }

    Sent send(Member m, String conversationId, String clientMessageId, String text, Upload upload) {
        m.require(Scope.MESSAGING_WRITE, "sending attachments");
        Conversation c = conversations.require(m, conversationId);
        String cmid = clientMessageId == null || clientMessageId.isBlank() ? "att-" + UUID.randomUUID() : clientMessageId.strip();
        if (cmid.length() > 100) invalid("clientMessageId is longer than 100 characters");
        String body = text == null ? "" : text.strip();
        if (body.length() > 16_000) invalid("text is longer than 16000 characters");
        String name = ContentRules.fileName(upload.fileName());
        SenderLimits limits = limitsFor(m);
        if (upload.declaredSize() > limits.limits().maxBytes()) throw tooLarge(name, limits);
        if (upload.declaredSize() == 0) invalid("the file '" + name + "' is empty");
        String type;
        try (InputStream in = new BufferedInputStream(upload.content().open())) {
            type = ContentRules.judge(in, name, limits.limits(), limits.setting());
        } catch (IOException e) {
            throw invalidUpload(e);
        }
        AttachmentStore store = store();
        String id = "att_" + UUID.randomUUID().toString().replace("-", "");
        AttachmentStore.Stored stored;
        try (InputStream in = upload.content().open()) {
            stored = store.put(id, in, limits.limits().maxBytes());
        } catch (AttachmentStore.TooLarge e) {
            throw tooLarge(name, limits);
        } catch (AttachmentStore.Full e) {
            log.error("attachment store is full: {} for conversation {} was not stored ({})", id, c.id(), e.getMessage());
            throw ProblemException.of(ErrorCode.ATTACHMENT_STORE_FULL, Map.of("file", name));
        } catch (IOException | RuntimeException e) {
            log.error("attachment store failed to take {} for conversation {}", id, c.id(), e);
            throw unavailable("the store could not write the file: " + e.getClass().getSimpleName());
        }
        Attachment attachment = new Attachment(id, name, type, stored.size());
        jdbc.sql("insert into attachments (id, org_id, conversation_id, uploaded_by, file_name, content_type, size_bytes, sha256, "
                        + "created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(id, c.orgId(), c.id(), m.participant().key(), name, type, stored.size(), stored.sha256(),
                        Timestamp.from(Instant.now()))
                .update();
        ConversationLog.Appended appended;
        try {
            appended = conversationLog.append(c, m.participant(), cmid, body, attachment).join();
        } catch (CompletionException e) {
            discard(id);
            // A refusal the log decided (its own catalogue code) reaches the sender as it is; anything else is the log going away.
            if (e.getCause() instanceof ProblemException refused) throw refused;
            throw ProblemException.of(ErrorCode.SERVER_RESTARTING, Map.of());
        }
        if (appended.duplicate()) {
            // A retried upload: the first one stands, this copy is not kept.
            discard(id);
        }
        return new Sent(appended.message().attachment() != null ? appended.message().attachment() : attachment, appended);
    }

    /** A stored attachment of a conversation the member takes part in; anything else is the same not-found. */
    Attachment find(Member m, String conversationId, String attachmentId) {
        m.require(Scope.MESSAGING_READ, "reading attachments");
        ProblemException notFound = ProblemException.of(ErrorCode.NOT_FOUND,
                Map.of("resource", "Attachment " + attachmentId + " of conversation " + conversationId));
        Conversation c = conversations.find(m, conversationId).orElseThrow(() -> notFound);
        return jdbc.sql("select id, file_name, content_type, size_bytes from attachments where id = ? and conversation_id = ? "
                        + "and org_id = ?")
                .params(attachmentId, c.id(), c.orgId())
                .query((rs, n) -> new Attachment(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)))
                .optional().orElseThrow(() -> notFound);
    }

    InputStream open(Attachment a) {
        try {
            return store().open(a.id());
        } catch (IOException e) {
            log.error("attachment store could not open {}", a.id(), e);
            throw unavailable("the store could not read the file: " + e.getClass().getSimpleName());
        }
    }

    private AttachmentStore store() {
        AttachmentStore store = stores.getIfAvailable();
        if (store == null) throw unavailable("no attachment store is configured");
        return store;
    }

    private void discard(String id) {
        jdbc.sql("delete from attachments where id = ?").param(id).update();
        try {
            store().delete(id);
        } catch (IOException | RuntimeException e) {
            log.warn("could not remove unreferenced attachment {}", id, e);
        }
    }

    static ProblemException tooLarge(String name, SenderLimits limits) {
        return ProblemException.of(ErrorCode.ATTACHMENT_TOO_LARGE, Map.of("file", name, "limit", limits.limits().maxBytes(),
                "who", limits.who(), "setting", limits.setting()));
    }

    private static ProblemException unavailable(String reason) {
        return ProblemException.of(ErrorCode.ATTACHMENT_UNAVAILABLE, Map.of("reason", reason));
    }

    private static ProblemException invalidUpload(IOException e) {
        return ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason", "the uploaded file could not be read ("
                + e.getClass().getSimpleName() + ")"));
    }

    private static void invalid(String reason) {
        throw ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason", reason));
    }
}
