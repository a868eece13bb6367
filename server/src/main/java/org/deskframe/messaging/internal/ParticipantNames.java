package org.deskframe.messaging.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Optional;
import org.deskframe.identity.Agent;
import org.deskframe.identity.AgentDirectory;
import org.deskframe.messaging.DisplayNames;
import org.deskframe.messaging.Participant;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The names people see for participants, resolved when a view is built: agents' display names from identity's
 * directory, a customer's from the {@code name} attribute the guest capability attached to its conversation. One
 * bounded cache per node (not per session, so idle sessions hold nothing); an entry lives {@link #TTL}, which bounds
 * how long a renamed agent shows its old name on another node.
 */
@Component
class ParticipantNames implements DisplayNames {

    static final Duration TTL = Duration.ofMinutes(5);
    static final int MAX_ENTRIES = 20_000;

    private final AgentDirectory agents;
    private final JdbcClient jdbc;
    private final Cache<Participant, Optional<String>> cache = Caffeine.newBuilder()
            .maximumSize(MAX_ENTRIES).expireAfterWrite(TTL).build();

    ParticipantNames(AgentDirectory agents, JdbcClient jdbc) {
        this.agents = agents;
        this.jdbc = jdbc;
    }

    /** The participant's display name, or null when the platform knows none. */
    @Override
    public String of(Participant p) {
        return switch (p.kind()) {
            case AGENT, CUSTOMER -> cache.get(p, this::load).orElse(null);
            case QUEUE, SYSTEM -> null;
        };
    }

    /** After a conversation's attributes changed: its customers' names are read again. */
    void forgetCustomersOf(String conversationId) {
        jdbc.sql("select participant_id from conversation_participants where conversation_id = ? and kind = 'customer'")
                .param(conversationId).query(String.class).list()
                .forEach(id -> cache.invalidate(new Participant(Participant.Kind.CUSTOMER, id)));
    }

    private Optional<String> load(Participant p) {
        if (p.kind() == Participant.Kind.AGENT) {
            return agents.find(p.id()).map(Agent::shownName);
        }
        return jdbc.sql("select a.attribute_value from conversation_attributes a join conversation_participants p "
                        + "on p.conversation_id = a.conversation_id where p.kind = 'customer' and p.participant_id = ? "
                        + "and a.name = 'name' order by p.joined_at desc").param(p.id())
                .query(String.class).list().stream().findFirst();
    }
}
