package org.deskframe.cluster;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How this node joins its deployment's cluster.
 *
 * @param redisUrl          Redis that the nodes share ({@code redis://[:password@]host:port[/db]}, {@code rediss://} for
 *                          TLS); blank: a single node, with the in-memory implementations and nothing shared
 * @param nodeId            this node's id among the nodes ({@code [A-Za-z0-9._-]}, at most 64 characters); unset: the
 *                          {@code HOSTNAME} environment variable, if any, and a random suffix, new at every start
 * @param namespace         prefix of every Redis key and channel, so that deployments (regions) and test runs can share
 *                          one Redis; {@code application.yml} sets it to the region id
 * @param presenceTtl       how long a node's presence, and the connection slots its sessions hold, last without a
 *                          heartbeat (sent every third of it); a killed node's sessions stop counting after this
 * @param commandTimeout    longest a call waits for Redis before the node treats it as unreachable (bounds every
 *                          presence read and limit decision; keep it short, a dead Redis must never stall a handshake)
 * @param connectTimeout    longest one attempt to connect to Redis takes
 * @param reconnectDelayMax longest wait between attempts to reconnect (they start at 50 ms and double up to this)
 * @param probeInterval     how often the node pings Redis to notice an outage (and its end) without waiting for a caller
 * @param inboundQueue      messages from other nodes waiting for this node's cluster thread; more are dropped (counted,
 *                          and control resynchronizes)
 * @param localEntries      most rate-limit buckets and failure records kept in memory (single node, or while Redis is
 *                          unreachable); past it the least recently used are forgotten
 */
@ConfigurationProperties("deskframe.cluster")
public record ClusterSettings(String redisUrl, String nodeId, String namespace, Duration presenceTtl, Duration commandTimeout,
                              Duration connectTimeout, Duration reconnectDelayMax, Duration probeInterval, Integer inboundQueue,
                              Integer localEntries) {

    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public ClusterSettings {
        if (redisUrl != null && redisUrl.isBlank()) redisUrl = null;
        if (nodeId == null || nodeId.isBlank()) nodeId = generatedNodeId();
        if (!NODE_ID.matcher(nodeId).matches()) {
            throw new IllegalArgumentException("deskframe.cluster.node-id must be 1-64 letters, digits, '.', '_' or '-', not '" + nodeId + "'");
        }
        if (namespace == null || namespace.isBlank()) namespace = "local";
        if (!NAMESPACE.matcher(namespace).matches()) {
            throw new IllegalArgumentException("deskframe.cluster.namespace must be 1-64 letters, digits, '.', '_' or '-', not '" + namespace + "'");
        }
        if (presenceTtl == null) presenceTtl = Duration.ofSeconds(30);
        if (commandTimeout == null) commandTimeout = Duration.ofMillis(500);
        if (connectTimeout == null) connectTimeout = Duration.ofSeconds(1);
        if (reconnectDelayMax == null) reconnectDelayMax = Duration.ofSeconds(1);
        if (probeInterval == null) probeInterval = Duration.ofSeconds(1);
        if (inboundQueue == null) inboundQueue = 65_536;
        if (localEntries == null) localEntries = 100_000;
        if (presenceTtl.toMillis() < 300) {
            throw new IllegalArgumentException("deskframe.cluster.presence-ttl must be at least 300ms, not " + presenceTtl);
        }
        for (Duration d : new Duration[] {commandTimeout, connectTimeout, reconnectDelayMax, probeInterval}) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("deskframe.cluster timeouts, delays and intervals must be positive, not " + d);
            }
        }
        if (inboundQueue < 1 || localEntries < 1) {
            throw new IllegalArgumentException("deskframe.cluster.inbound-queue and local-entries must be at least 1");
        }
    }

    /** Whether nodes share Redis ({@link #redisUrl} set). */
    public boolean clustered() {
        return redisUrl != null;
    }

    /** How often the node touches its presence: a third of the ttl. */
    public Duration heartbeat() {
        return presenceTtl.dividedBy(3);
    }

    private static String generatedNodeId() {
        String host = System.getenv("HOSTNAME");
        byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        String suffix = HexFormat.of().formatHex(random);
        if (host == null) return "node-" + suffix;
        host = host.replaceAll("[^A-Za-z0-9._-]", "-");
        if (host.length() > 50) host = host.substring(0, 50);
        return host + "-" + suffix;
    }
}
