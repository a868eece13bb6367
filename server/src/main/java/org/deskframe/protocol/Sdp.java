package org.deskframe.protocol;

/** An SDP description as {@code RTCSessionDescription} has it: {@code type} offer, answer, pranswer or rollback. */
public record Sdp(String type, String sdp) {}
