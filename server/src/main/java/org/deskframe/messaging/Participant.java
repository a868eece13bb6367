package org.deskframe.messaging;

import java.util.Locale;

/**
 * Someone in a conversation: an agent, a customer (guest), or a queue waiting to be assigned; or the platform itself
 * as the sender of what it writes into a conversation ({@link #SYSTEM}).
 */
public record Participant(Kind kind, String id) {

    /** The kinds, each with its one name as stored and as sent on the wire ({@code agent}, {@code customer}, ...). */
    public enum Kind {
        AGENT, CUSTOMER, QUEUE, SYSTEM;

        private final String label = name().toLowerCase(Locale.ROOT);

        public String label() {
            return label;
        }

        public static Kind ofLabel(String label) {
            return valueOf(label.toUpperCase(Locale.ROOT));
        }
    }

    /** The platform, as the sender of the entries it writes (a lost message's placeholder). */
    public static final Participant SYSTEM = new Participant(Kind.SYSTEM, "deskframe");

    public static Participant agent(String id) {
        return new Participant(Kind.AGENT, id);
    }

    public static Participant of(String kindLabel, String id) {
        return new Participant(Kind.ofLabel(kindLabel), id);
    }

    /** {@code agent:agent1}: unique across kinds. */
    public String key() {
        return kind.label() + ":" + id;
    }
}
