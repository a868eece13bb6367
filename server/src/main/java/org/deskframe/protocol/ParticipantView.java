package org.deskframe.protocol;

/** Someone in a conversation on the wire: {@code {"kind":"agent","id":"agent1"}} (kind: agent, customer, queue, system). */
public record ParticipantView(String kind, String id) {}
