package org.deskframe.routing;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An agent's presence. Only {@link #AVAILABLE} agents are offered work; {@link #AFTER_CONTACT_WORK} is set by the
 * system after a close (for the queue's after-contact-work time), {@link #OFFLINE} also when the last session dropped.
 */
public enum AgentStatus {
    AVAILABLE, AWAY, BUSY, OFFLINE, AFTER_CONTACT_WORK;

    private final String label = name().toLowerCase(Locale.ROOT);

    /** The name on the wire and in the database ({@code after_contact_work}). */
    public String label() {
        return label;
    }

    /** Whether an agent may choose this status itself ({@code set_presence}). */
    public boolean settableByAgent() {
        return this != AFTER_CONTACT_WORK;
    }

    public static Optional<AgentStatus> ofLabel(String label) {
        return Arrays.stream(values()).filter(s -> s.label.equals(label)).findFirst();
    }

    public static List<String> settableLabels() {
        return Arrays.stream(values()).filter(AgentStatus::settableByAgent).map(AgentStatus::label).toList();
    }
}
