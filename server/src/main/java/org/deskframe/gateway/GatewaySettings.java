package org.deskframe.gateway;

import java.util.List;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * WebSocket gateway settings.
 *
 * @param handshakeTimeout       time allowed between connecting and the authenticate frame
 * @param heartbeat              interval of server pings; a peer silent for twice this is closed
 * @param maxFrameBytes          largest text frame accepted (larger ones get {@code frame.too_large})
 * @param expiryWarning          how long before token expiry {@code token_expiring} is pushed
 * @param expiryGrace            how long after expiry a session may still refresh before {@code token.expired} closes it
 * @param maxConnectionsPerAgent open sessions allowed per agent across widgets
 * @param framesPerSecond        sustained inbound frames per connection (bursts up to twice this)
 * @param sendsPerSecondPerAgent sustained message sends per agent across its sessions (bursts up to twice this)
 * @param sendBufferBytes        outbound bytes buffered for a slow reader before it is disconnected
 * @param revocationPoll         how often each node reads the ledger's revocations to close what a lost control message
 *                               left open (revocations reach sessions at once through the cluster's control channel)
 * @param extraOrigins           origins besides the platform's own whose pages may open the socket directly
 * @param port                   TCP port the gateway listens on (its own port, beside the HTTP API's); 0 picks a free one
 * @param address                address the gateway binds to; unset: every interface
 * @param publicUrl              the gateway's WebSocket URL as clients must use it (set it behind a reverse proxy, e.g.
 *                               {@code wss://cc.example.com/api/v2/stream}); unset: {@code ws(s)://<host the client
 *                               reached the platform at>:<port>/api/v2/stream}
 * @param upgradeTimeout         absolute deadline from accepting a connection to its complete upgrade request (not
 *                               re-armed by the bytes that trickle in); past it: HTTP 408 {@code upgrade.timeout}
 * @param maxUnauthenticated     connections accepted but not yet authenticated (before or after the upgrade), in all;
 *                               more are refused at once with HTTP 503 {@code gateway.busy}
 * @param maxUnauthenticatedPerAddress the same, per remote address; 0 turns the per-address cap off (set 0 behind a
 *                               proxy or load balancer, where every connection has its address)
 * @param maxConnections         gateway connections in all (authenticated or not); 0: derived from the process's
 *                               open-file limit, less the files open when the gateway starts and {@code descriptorReserve}
 * @param descriptorReserve      open files kept free for everything but the gateway (the HTTP API, the database pool,
 *                               Redis, health checks, logs) when the gateway derives {@code maxConnections}
 * @param drainSpread            at shutdown, the window over which the node's sessions are told {@code server.restarting}
 *                               (in even batches), so that thousands of clients do not reconnect to the other nodes in
 *                               the same instant; the node reports not ready for the whole window and still serves the
 *                               sessions not yet told. 0: all at once
 */
@ConfigurationProperties("deskframe.gateway")
public record GatewaySettings(Duration handshakeTimeout, Duration heartbeat, int maxFrameBytes, Duration expiryWarning,
                              Duration expiryGrace, int maxConnectionsPerAgent, int framesPerSecond,
                              int sendsPerSecondPerAgent, int sendBufferBytes, Duration revocationPoll,
                              List<String> extraOrigins, Integer port, String address, String publicUrl,
                              Duration upgradeTimeout, Integer maxUnauthenticated, Integer maxUnauthenticatedPerAddress,
                              int maxConnections, Integer descriptorReserve, Duration drainSpread) {
    public GatewaySettings {
        if (handshakeTimeout == null) handshakeTimeout = Duration.ofSeconds(5);
        if (heartbeat == null) heartbeat = Duration.ofSeconds(25);
        if (maxFrameBytes <= 0) maxFrameBytes = 64 * 1024;
        if (expiryWarning == null) expiryWarning = Duration.ofSeconds(60);
        if (expiryGrace == null) expiryGrace = Duration.ofSeconds(5);
        if (maxConnectionsPerAgent <= 0) maxConnectionsPerAgent = 10;
        if (framesPerSecond <= 0) framesPerSecond = 50;
        if (sendsPerSecondPerAgent <= 0) sendsPerSecondPerAgent = 50;
        if (sendBufferBytes <= 0) sendBufferBytes = 1024 * 1024;
        if (revocationPoll == null) revocationPoll = Duration.ofSeconds(5);
        extraOrigins = extraOrigins == null ? List.of() : List.copyOf(extraOrigins);
        if (port == null) port = 8090;
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("deskframe.gateway.port must be between 0 (any free port) and 65535, not " + port);
        }
        if (upgradeTimeout == null) upgradeTimeout = Duration.ofSeconds(10);
        if (maxUnauthenticated == null) maxUnauthenticated = 1000;
        if (maxUnauthenticatedPerAddress == null) maxUnauthenticatedPerAddress = 50;
        if (descriptorReserve == null) descriptorReserve = 256;
        if (drainSpread == null) drainSpread = Duration.ofSeconds(2);
        if (drainSpread.isNegative() || drainSpread.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("deskframe.gateway.drain-spread must be between 0 (all sessions at once) and 5m,"
                    + " not " + drainSpread);
        }
        if (upgradeTimeout.isNegative() || upgradeTimeout.isZero()) {
            throw new IllegalArgumentException("deskframe.gateway.upgrade-timeout must be positive, not " + upgradeTimeout);
        }
        if (maxUnauthenticated < 1 || maxUnauthenticatedPerAddress < 0 || maxConnections < 0 || descriptorReserve < 0) {
            throw new IllegalArgumentException("deskframe.gateway.max-unauthenticated must be at least 1, and"
                    + " max-unauthenticated-per-address (0: off), max-connections (0: from the open-file limit) and"
                    + " descriptor-reserve at least 0");
        }
        if (address != null && address.isBlank()) address = null;
        if (publicUrl != null && publicUrl.isBlank()) publicUrl = null;
        if (publicUrl != null && !publicUrl.matches("wss?://[^/?#]+/\\S*")) {
            throw new IllegalArgumentException("deskframe.gateway.public-url must be a ws:// or wss:// URL with a path, such as"
                    + " wss://cc.example.com/api/v2/stream, not '" + publicUrl + "'");
        }
    }
}
