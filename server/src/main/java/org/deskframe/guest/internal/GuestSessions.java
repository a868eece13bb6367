package org.deskframe.guest.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deskframe.cluster.ClusterLimits;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.guest.CustomerConversationStarted;
import org.deskframe.guest.CustomerProfile;
import org.deskframe.guest.GuestSettings;
import org.deskframe.guest.MessengerDeployment;
import org.deskframe.guest.MessengerDeployments;
import org.deskframe.messaging.Conversation;
import org.deskframe.messaging.ConversationAttributes;
import org.deskframe.messaging.ConversationLog;
import org.deskframe.messaging.Conversations;
import org.deskframe.messaging.Participant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Opens a customer's guest session: the deployment and the page's origin first, then the per origin-and-address rate,
 * then who the customer is (a verified customer token, a resume credential, or a new guest), then its conversation —
 * the same one as before when the browser resumes, a new one (customer + the deployment's queue, the greeting from
 * the queue, {@link CustomerConversationStarted} after it is stored) otherwise — and last a short-lived guest token.
 */
@Component
class GuestSessions {

    private static final Logger log = LoggerFactory.getLogger(GuestSessions.class);

    /**
     * What the messenger asks for; {@code restart}: the customer wants a new conversation (after one ended);
     * {@code probe}: {@code deskframe doctor} checks the integration — every check runs and a guest token is issued,
     * but no conversation is opened (nothing reaches the queue) and nothing can be resumed.
     */
    record Request(String deployment, String resume, String customerToken, Map<String, String> prechat, boolean restart,
                   boolean probe) {
        Request(String deployment, String resume, String customerToken, Map<String, String> prechat, boolean restart) {
            this(deployment, resume, customerToken, prechat, restart, false);
        }
    }

    /** The conversation a probe's token is bound to: none exists, so the token reaches no conversation at all. */
    static final String PROBE_CONVERSATION = "probe";

    /** {@code ended}: the resumed conversation was closed (readable; a new one needs {@code restart}). */
    record Opened(MessengerDeployment deployment, CustomerProfile customer, String conversation, boolean resumed, boolean ended,
                  String resume, GuestTokens.Issued token, List<String> earlierConversations) {}

    private final MessengerDeployments deployments;
    private final Visitors visitors;
    private final CustomerTokens customerTokens;
    private final GuestTokens tokens;
    private final Conversations conversations;
    private final ConversationLog conversationLog;
    private final ClusterLimits limits;
    private final GuestSettings settings;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate tx;
    private final ConversationAttributes attributes;
    private final Clock clock = Clock.systemUTC();

    GuestSessions(MessengerDeployments deployments, Visitors visitors, CustomerTokens customerTokens, GuestTokens tokens,
                  Conversations conversations, ConversationLog conversationLog, ClusterLimits limits, GuestSettings settings,
                  ApplicationEventPublisher events, TransactionTemplate tx, ConversationAttributes attributes) {
        this.attributes = attributes;
        this.deployments = deployments;
        this.visitors = visitors;
        this.customerTokens = customerTokens;
        this.tokens = tokens;
        this.conversations = conversations;
        this.conversationLog = conversationLog;
        this.limits = limits;
        this.settings = settings;
        this.events = events;
        this.tx = tx;
    }

    /** The deployment, as the customer side may see it: unknown ones get {@code guest.deployment_unknown}. */
    MessengerDeployment deployment(String id) {
        if (id == null || id.isBlank()) {
            throw ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason", "deployment is required: the id of a messenger deployment"));
        }
        return deployments.find(id).orElseThrow(() -> ProblemException.of(ErrorCode.GUEST_DEPLOYMENT_UNKNOWN, Map.of("deployment", id)));
    }

    static ProblemException originRefused(MessengerDeployment d, String origin) {
        return ProblemException.of(ErrorCode.GUEST_ORIGIN_NOT_ALLOWED, Map.of("deployment", d.id(),
                "origin", origin == null ? "(none: the request carried no Origin header)" : origin,
                "allowed", d.allowedOrigins().stream().sorted().toList()));
    }

    Opened open(Request r, String origin, String clientAddress) {
        MessengerDeployment d = deployment(r.deployment());
        if (!d.allows(origin)) throw originRefused(d, origin);
        double perSecond = settings.sessionsPerMinute() / 60.0;
        ClusterLimits.Rate rate = limits.tryTake("guest-sessions:" + origin + "|" + clientAddress, perSecond, settings.sessionBurst());
        if (!rate.allowed()) {
            throw ProblemException.of(ErrorCode.GUEST_RATE_LIMITED, Map.of("limit", settings.sessionsPerMinute()
                    + " sessions per minute per origin and address", "retryAfterSeconds", rate.retryAfterSeconds()));
        }
        Instant now = clock.instant();
        CustomerProfile verified = r.customerToken() == null || r.customerToken().isBlank() ? null
                : customerTokens.verify(d, r.customerToken());
        if (r.probe()) {
            CustomerProfile probe = verified != null ? verified : new CustomerProfile(Visitors.newGuestId(), null, null, false, Map.of());
            log.info("guest session probe: deployment {} origin {}", d.id(), origin);
            return new Opened(d, probe, PROBE_CONVERSATION, false, false, null,
                    tokens.issue(d.orgId(), d.id(), probe.id(), PROBE_CONVERSATION, probe.verified(), now), List.of());
        }
        Optional<Visitors.Visitor> visitor = r.resume() == null || r.resume().isBlank() ? Optional.empty() : Optional.of(resumable(d, r.resume(), now));
        // A verified customer is who its token says: a credential of someone else (a shared browser) is not resumed.
        if (verified != null && visitor.isPresent() && !visitor.get().customerId().equals(verified.id())) visitor = Optional.empty();

        CustomerProfile profile = verified != null ? verified
                : visitor.map(Visitors.Visitor::profile).orElseGet(() -> prechat(d, Visitors.newGuestId(), r.prechat()));
        // An ended conversation is resumed too (its transcript stays readable, the panel offers a new one): only an
        // explicit restart opens a new conversation, so a customer coming back never finds an empty chat instead.
        Optional<Conversation> current = visitor.map(Visitors.Visitor::conversationId)
                .or(() -> verified == null ? Optional.empty() : visitors.latestConversation(d.id(), verified.id()))
                .filter(id -> !r.restart())
                .flatMap(id -> conversations.findFor(d.orgId(), customer(profile), id));
        String conversationId = current.map(Conversation::id).orElse(null);
        boolean ended = current.filter(c -> "closed".equals(c.state())).isPresent();
        boolean resumed = conversationId != null;
        String credential = visitor.isPresent() ? r.resume() : Visitors.newCredential();
        // One transaction for everything the response promises (conversation, attributes, visitor, guest token's ledger
        // row, place in the queue): one durable commit instead of five, and a crash leaves all of it or none of it.
        Optional<Visitors.Visitor> known = visitor;
        String existing = conversationId;
        Admitted admitted = tx.execute(s -> {
            Conversation started = null;
            String id = existing;
            if (!resumed) {
                started = startConversation(d, profile, now, known.orElse(null), credential);
                id = started.id();
            } else if (known.isPresent()) {
                visitors.touch(known.get(), id, profile, now);
            } else {
                visitors.add(credential, d.id(), d.orgId(), profile, id, now);
            }
            GuestTokens.Issued issued = tokens.issue(d.orgId(), d.id(), profile.id(), id, profile.verified(), now);
            if (started != null) {
                // Routing takes the place in the queue in this transaction (it locks no queue row: arrivals commit side by side).
                events.publishEvent(new CustomerConversationStarted(d.orgId(), id, d.id(), d.queueId(), profile, now));
            }
            return new Admitted(id, started, issued);
        });
        conversationId = admitted.conversation();
        GuestTokens.Issued token = admitted.token();
        // The greeting goes through the conversation log (its writer's own connection and group commit), so only once
        // the conversation is committed; still before the response, which may then show it.
        String opening = admitted.started() == null ? null : d.openingMessage(now);
        if (opening != null) {
            conversationLog.append(admitted.started(), new Participant(Participant.Kind.QUEUE, d.queueId()), "greeting", opening).join();
        }
        String currentId = conversationId;
        List<String> earlier = profile.verified() ? conversations.listFor(d.orgId(), customer(profile)).stream()
                .map(Conversation::id).filter(id -> !id.equals(currentId)).toList() : List.of();
        log.info("guest session: deployment {} customer {} conversation {} ({}) origin {}", d.id(), profile.id(), conversationId,
                resumed ? ended ? "resumed, ended" : "resumed" : "new", origin);
        return new Opened(d, profile, conversationId, resumed, ended, credential, token, earlier);
    }

    private Visitors.Visitor resumable(MessengerDeployment d, String credential, Instant now) {
        Visitors.Visitor v = visitors.find(credential).orElseThrow(() -> ProblemException.of(ErrorCode.GUEST_SESSION_EXPIRED,
                Map.of("reason", "it is unknown to this deployment, or was forgotten")));
        if (!v.deploymentId().equals(d.id())) {
            throw ProblemException.of(ErrorCode.GUEST_SESSION_EXPIRED, Map.of("reason", "it belongs to another messenger deployment"));
        }
        Duration idle = Duration.between(v.lastSeen(), now);
        if (idle.compareTo(settings.resumeLifetime()) > 0) {
            throw ProblemException.of(ErrorCode.GUEST_SESSION_EXPIRED, Map.of("reason", "it was last used " + idle.toDays()
                    + " days ago; sessions are kept " + settings.resumeLifetime().toDays() + " days"));
        }
        return v;
    }

    private record Admitted(String conversation, Conversation started, GuestTokens.Issued token) {}

    /** Runs in {@link #open}'s transaction: messaging's conversation and attributes, and the visitor that leads back to it. */
    private Conversation startConversation(MessengerDeployment d, CustomerProfile profile, Instant now, Visitors.Visitor visitor,
                                           String credential) {
        Participant queue = new Participant(Participant.Kind.QUEUE, d.queueId());
        Conversation c = conversations.start(d.orgId(), customer(profile), List.of(queue), subject(d, profile));
        // A guest who gave nothing has nothing to be found by: no statements for it.
        Map<String, String> searchable = searchable(profile);
        if (!searchable.isEmpty()) attributes.describe(c.id(), searchable);
        if (visitor == null) visitors.add(credential, d.id(), d.orgId(), profile, c.id(), now);
        else visitors.touch(visitor, c.id(), profile, now);
        return c;
    }

    /**
     * What agents find the conversation by (messaging's search) and the name they see: the customer's name and email,
     * and those of its signed attributes that fit messaging's attribute rules.
     */
    static Map<String, String> searchable(CustomerProfile p) {
        Map<String, String> a = new LinkedHashMap<>();
        if (p.name() != null && !p.name().isBlank()) a.put("name", clip(p.name()));
        if (p.email() != null && !p.email().isBlank()) a.put("email", clip(p.email()));
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(p.attributes()).entrySet()) {
            if (a.size() >= ConversationAttributes.MAX_ATTRIBUTES) break;
            if (ATTRIBUTE_NAME.matcher(e.getKey()).matches() && e.getValue() != null && !e.getValue().isBlank()) {
                a.putIfAbsent(e.getKey(), clip(e.getValue()));
            }
        }
        return a;
    }

    private static final java.util.regex.Pattern ATTRIBUTE_NAME = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private static String clip(String value) {
        return value.length() > 500 ? value.substring(0, 500) : value;
    }

    private static String subject(MessengerDeployment d, CustomerProfile p) {
        String who = p.name() != null ? p.name() : p.email() != null ? p.email() : "Guest";
        String s = who + " via " + d.name();
        return s.length() > 300 ? s.substring(0, 300) : s;
    }

    /** A new guest's profile from the pre-chat form: only the fields the deployment asks for, bounded. */
    private static CustomerProfile prechat(MessengerDeployment d, String id, Map<String, String> fields) {
        Map<String, String> f = fields == null ? Map.of() : fields;
        Map<String, String> unknown = new LinkedHashMap<>(f);
        unknown.keySet().removeAll(MessengerDeployment.PRECHAT_FIELDS);
        if (!unknown.isEmpty()) {
            throw ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason", "prechat takes only " + d.prechatFields()
                    + ", not " + unknown.keySet()));
        }
        String name = field(d, f, "name", 200);
        String email = field(d, f, "email", 320);
        if (email != null && !email.matches("[^@\\s]+@[^@\\s]+")) {
            throw ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason", "prechat email '" + email + "' is not an email address"));
        }
        return new CustomerProfile(id, name, email, false, Map.of());
    }

    private static String field(MessengerDeployment d, Map<String, String> f, String name, int max) {
        String v = f.get(name);
        if (v == null || v.isBlank()) return null;
        if (!d.prechatFields().contains(name)) {
            throw ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason", "deployment " + d.id() + " does not ask for " + name
                    + " (its pre-chat fields: " + d.prechatFields() + ")"));
        }
        if (v.length() > max) throw ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason", "prechat " + name + " is longer than " + max));
        return v.strip();
    }

    static Participant customer(CustomerProfile p) {
        return new Participant(Participant.Kind.CUSTOMER, p.id());
    }
}
