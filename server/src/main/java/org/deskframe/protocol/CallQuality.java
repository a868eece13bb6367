package org.deskframe.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One side's media-quality summary of a call, from its {@code RTCPeerConnection.getStats()}: what it received (audio
 * packets, lost packets, jitter in seconds; video frames decoded when the call has video), the round-trip time in
 * seconds of the selected candidate pair, its local candidate type ({@code host}, {@code srflx}, {@code prflx},
 * {@code relay}) and whether a TURN server relayed the media. {@code by} is filled in by the server.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CallQuality(ParticipantView by, long bytesReceived, long packetsReceived, long packetsLost, Double jitter,
                          Double roundTripTime, Long framesDecoded, String candidateType, boolean relayed) {}
