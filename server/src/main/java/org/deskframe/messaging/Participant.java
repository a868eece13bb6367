package org.deskframe.messaging;

/**
 * Someone in a conversation: an agent, a customer (guest), or a queue waiting to be assigned; or the platform itself
 * as the sender of what it writes into a conversation ({@link #SYSTEM}).
 */
public record Participant(Kind kind, String id) {
    public enum Kind { AGENT, CUSTOMER, QUEUE, SYSTEM }

    /** The platform, as the sender of the entries it writes (a lost message's placeholder). */
    public static final Participant SYSTEM = new Participant(Kind.SYSTEM, "deskframe");

    public static Participant agent(String id) {
        return new Participant(Kind.AGENT, id);
    }

    /** The JSON shape used by the protocol and the history API: {@code {"kind":"agent","id":"agent1"}}. */
    public java.util.Map<String, Object> view() {
        java.util.Map<String, Object> v = new java.util.LinkedHashMap<>();
        v.put("kind", kind.name().toLowerCase(java.util.Locale.ROOT));
        v.put("id", id);
        return v;
    }

    public String key() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + ":" + id;
    }
}
