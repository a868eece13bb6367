package org.deskframe.messaging;

/**
 * The names people see for participants, for capabilities that show participants outside a conversation's own views
 * (a call's parties): an agent's display name from identity's directory, a customer's from the {@code name} attribute
 * attached to its conversation (what it typed in the pre-chat form, or what the integrator signed). Cached per node
 * for a few minutes, like every view of messaging's own.
 */
public interface DisplayNames {

    /** The participant's display name, or null when the platform knows none (a guest that gave no name, a queue). */
    String of(Participant participant);
}
