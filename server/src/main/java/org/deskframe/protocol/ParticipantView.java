package org.deskframe.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Someone in a conversation on the wire: {@code {"kind":"agent","id":"agent1","displayName":"Agent One"}} (kind:
 * agent, customer, queue, system). {@code displayName} is what people see, resolved when the view is built; absent
 * when the platform knows no name.
 */
public record ParticipantView(String kind, String id, @JsonInclude(JsonInclude.Include.NON_NULL) String displayName) {

    public ParticipantView(String kind, String id) {
        this(kind, id, null);
    }
}
