package org.deskframe.messaging;

/** Someone in a conversation: an agent, a customer (guest), or a queue waiting to be assigned. */
public record Participant(Kind kind, String id) {
    public enum Kind { AGENT, CUSTOMER, QUEUE }

    public static Participant agent(String id) {
        return new Participant(Kind.AGENT, id);
    }

    public String key() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + ":" + id;
    }
}
