package org.deskframe.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One side of a call: who ({@code kind} agent or customer, {@code id}, {@code displayName}), whether it muted its
 * microphone, and whether a session of it carries the call now ({@code attached}: false while it reconnects).
 */
public record CallPartyView(String kind, String id, @JsonInclude(JsonInclude.Include.NON_NULL) String displayName,
                            boolean muted, boolean attached) {}
