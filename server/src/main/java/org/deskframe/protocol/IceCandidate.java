package org.deskframe.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One trickled ICE candidate as {@code RTCIceCandidate.toJSON()} has it. An empty {@code candidate} is the end of the
 * candidates.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IceCandidate(String candidate, String sdpMid, Integer sdpMLineIndex, String usernameFragment) {}
