package org.deskframe.cluster.internal;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.deskframe.cluster.ClusterSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * This node's two connections to Redis (one for commands and publishing, one subscribed) and what it knows of their
 * health. Opened when the container starts it, not in a constructor; if Redis is not there yet it keeps trying in the
 * background, and once connected Lettuce reconnects by itself. A ping every {@code probeInterval}, every lost
 * connection and every timed-out command decide whether Redis is up; a change is logged once and told to the
 * listeners (on this link's own thread, one change at a time).
 */
final class RedisLink implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RedisLink.class);

    /** What the bus and the registry do when the link changes. */
    interface Listener {
        /** A new subscribed connection (the first, or after Redis was unreachable at start): subscribe. */
        default void connected(StatefulRedisPubSubConnection<String, String> pubsub) { }

        /** Redis is reachable again after {@code downSince} (null: for the first time). */
        default void up(Instant downSince) { }

        default void down(String reason) { }
    }

    private final RedisClient client;
    private final ClusterSettings settings;
    private final String where;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final List<BiConsumer<String, String>> messageSinks = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService thread;
    private volatile StatefulRedisConnection<String, String> commands;
    private volatile StatefulRedisPubSubConnection<String, String> pubsub;
    /** null until the first probe decided. */
    private volatile Boolean up;
    private volatile String reason = "not connected yet";
    private volatile Instant since = Instant.now();
    private Instant downSince;
    /** Probes failed in a row (link thread only). */
    private int failedProbes;
    private volatile boolean running;
    private ScheduledFuture<?> probes;

    RedisLink(RedisClient client, ClusterSettings settings) {
        this.client = client;
        this.settings = settings;
        RedisURI uri = RedisURI.create(settings.redisUrl());
        this.where = uri.getHost() + ":" + uri.getPort();
        this.thread = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("cluster-link-" + settings.nodeId()).factory());
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                onThread(RedisLink.this::probe);
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                onThread(() -> markDown("connection lost"));
            }
        });
    }

    void addListener(Listener listener) {
        listeners.add(listener);
    }

    /** Receives every message of the channels the subscribed connection listens to (on Lettuce's thread: must not block). */
    void onMessage(BiConsumer<String, String> sink) {
        messageSinks.add(sink);
    }

    boolean isUp() {
        return Boolean.TRUE.equals(up);
    }

    /** host:port, never the credentials. */
    String where() {
        return where;
    }

    Status status() {
        return new Status(isUp(), isUp() ? null : reason, since);
    }

    record Status(boolean up, String reason, Instant since) {}

    RedisCommands<String, String> sync() {
        return connection().sync();
    }

    RedisAsyncCommands<String, String> async() {
        return connection().async();
    }

    io.lettuce.core.pubsub.api.async.RedisPubSubAsyncCommands<String, String> pubsubAsync() {
        StatefulRedisPubSubConnection<String, String> p = pubsub;
        if (p == null) throw new RedisConnectionException("not connected to Redis at " + where + " yet");
        return p.async();
    }

    private StatefulRedisConnection<String, String> connection() {
        StatefulRedisConnection<String, String> c = commands;
        if (c == null) throw new RedisConnectionException("not connected to Redis at " + where + " yet");
        return c;
    }

    /**
     * A command failed. A lost connection means Redis is down; a timeout is only a suspicion (a burst of commands can
     * outlast one timeout while Redis is fine), so it makes the probe run now, and the probe decides.
     */
    void reportFailure(Throwable e) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof RedisCommandTimeoutException || cause instanceof java.util.concurrent.TimeoutException) {
            onThread(this::probe);
        } else if (cause instanceof RedisConnectionException || cause instanceof java.io.IOException
                || String.valueOf(cause.getMessage()).contains("Connection closed")) {
            onThread(() -> markDown(describe(cause)));
        } else {
            log.debug("cluster: a Redis command failed", cause);
        }
    }

    private void onThread(Runnable r) {
        try {
            thread.execute(r);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping
        }
    }

    /**
     * On the link's thread: connect if needed, ping, decide. A failed ping is tried again at once and only a second
     * failure in a row means down: a burst of commands ahead of the ping on the one connection is not an outage.
     */
    private void probe() {
        if (!running) return;
        try {
            if (commands == null) connect();
            String pong = commands.sync().ping();
            if (!"PONG".equals(pong)) throw new IllegalStateException("unexpected answer to PING: " + pong);
            if (!commands.isOpen() || !pubsub.isOpen()) {
                markDown("connection lost");
                return;
            }
            failedProbes = 0;
            markUp();
        } catch (RuntimeException e) {
            if (commands != null && ++failedProbes == 1 && isUp()) {
                onThread(this::probe);
                return;
            }
            markDown(describe(e));
        }
    }

    private void connect() {
        StatefulRedisConnection<String, String> c = client.connect(StringCodec.UTF8);
        StatefulRedisPubSubConnection<String, String> p;
        try {
            p = client.connectPubSub(StringCodec.UTF8);
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        c.setTimeout(settings.commandTimeout());
        p.setTimeout(settings.commandTimeout());
        p.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                for (BiConsumer<String, String> sink : messageSinks) sink.accept(channel, message);
            }
        });
        commands = c;
        pubsub = p;
        for (Listener l : listeners) {
            try {
                l.connected(p);
            } catch (RuntimeException e) {
                log.warn("cluster: subscribing failed (retried when Redis is reachable)", e);
            }
        }
    }

    private void markUp() {
        if (Boolean.TRUE.equals(up)) return;
        Instant wasDownSince = Boolean.FALSE.equals(up) ? downSince : null;
        up = true;
        since = Instant.now();
        if (wasDownSince == null) {
            log.info("cluster: connected to Redis at {} as node {} (namespace {})", where, settings.nodeId(), settings.namespace());
        } else {
            log.info("cluster: Redis at {} is reachable again after {} s: shared presence, limits and messages between"
                    + " nodes resume", where, Duration.between(wasDownSince, since).toSeconds());
        }
        for (Listener l : listeners) {
            try {
                l.up(wasDownSince);
            } catch (RuntimeException e) {
                log.warn("cluster: a listener failed on reconnection", e);
            }
        }
    }

    private void markDown(String why) {
        if (!running) return;
        reason = why;
        if (Boolean.FALSE.equals(up)) return;
        boolean wasUp = Boolean.TRUE.equals(up);
        up = false;
        since = Instant.now();
        downSince = since;
        log.warn("cluster: Redis at {} is {} ({}): messages to other nodes are refused, presence and limits are this"
                + " node's alone until it returns; sessions on this node keep working. Retrying every {} ms.",
                where, wasUp ? "unreachable" : "not reachable at start", why, settings.probeInterval().toMillis());
        for (Listener l : listeners) {
            try {
                l.down(why);
            } catch (RuntimeException e) {
                log.warn("cluster: a listener failed on disconnection", e);
            }
        }
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String m = root.getMessage();
        return root.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    // --- lifecycle

    @Override
    public void start() {
        running = true;
        // The first attempt before the container goes on, so that a reachable Redis is up before sessions arrive.
        try {
            thread.submit(this::probe).get(settings.connectTimeout().toMillis() * 2 + settings.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // the probes go on in the background
        }
        long every = settings.probeInterval().toMillis();
        probes = thread.scheduleWithFixedDelay(this::probe, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        running = false;
        if (probes != null) probes.cancel(false);
        StatefulRedisPubSubConnection<String, String> p = pubsub;
        StatefulRedisConnection<String, String> c = commands;
        pubsub = null;
        commands = null;
        up = false;
        if (p != null) p.closeAsync();
        if (c != null) c.closeAsync();
    }

    /** The end of the bean (after {@link #stop}): the link's thread goes. A stopped link may start again. */
    public void close() {
        thread.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return ClusterPhases.LINK;
    }
}
