package org.deskframe.cluster.internal;

import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.deskframe.cluster.ClusterLimits;
import org.deskframe.cluster.ClusterSettings;
import org.deskframe.cluster.PrincipalKey;

/**
 * The shared state in Redis, one Lua script per operation (atomic, on Redis's clock). Keys, all under
 * {@code deskframe:<namespace>:}: {@code nodes} (sorted set, node to the end of its liveness), {@code presence:<principal>}
 * and {@code lease:<key>} (hashes of {@code <node>/<member>} to a generation), {@code node:<node>:keys} (the hashes a
 * node has entries in, for sweeping it), {@code bucket:<key>} and {@code failures:<key>} (with TTLs). One Redis, not
 * Redis Cluster: scripts touch keys they compute.
 */
final class RedisState implements SharedState {

    private static final int PURGE_PAGE = 200;

    private final RedisLink link;
    private final String prefix;
    private final String nodesKey;
    private final Duration timeout;
    private final Script heartbeat = Script.load("heartbeat.lua");
    private final Script add = Script.load("add.lua");
    private final Script remove = Script.load("remove.lua");
    private final Script lookup = Script.load("lookup.lua");
    private final Script acquire = Script.load("acquire.lua");
    private final Script purge = Script.load("purge.lua");
    private final Script take = Script.load("take.lua");
    private final Script failures = Script.load("failures.lua");

    RedisState(RedisLink link, ClusterSettings settings) {
        this.link = link;
        this.prefix = keyPrefix(settings.namespace());
        this.nodesKey = prefix + "nodes";
        this.timeout = settings.commandTimeout();
    }

    static String keyPrefix(String namespace) {
        return "deskframe:" + namespace + ":";
    }

    @Override
    public boolean reachable() {
        return link.isUp();
    }

    @Override
    @SuppressWarnings("unchecked")
    public Beat heartbeat(String node, Duration ttl) {
        List<Object> r = heartbeat.run(link.sync(), ScriptOutputType.MULTI, new String[] {nodesKey}, node, String.valueOf(ttl.toMillis()));
        return new Beat(((Long) r.get(0)) == 1L, List.copyOf((List<String>) r.get(1)));
    }

    @Override
    public void add(String node, long generation, List<Entry> entries) {
        if (entries.isEmpty()) return;
        String[] args = new String[2 + entries.size() * 2];
        args[0] = node;
        args[1] = String.valueOf(generation);
        int i = 2;
        for (Entry e : entries) {
            args[i++] = keyOf(e);
            args[i++] = e.member();
        }
        add.run(link.sync(), ScriptOutputType.INTEGER, new String[] {indexOf(node)}, args);
    }

    @Override
    public void remove(String node, Entry entry) {
        remove.run(link.sync(), ScriptOutputType.INTEGER, new String[] {indexOf(node), keyOf(entry)}, node, entry.member());
    }

    @Override
    public void purge(String node, Purge mode, long generation) {
        String cursor = "0";
        String m = mode.name().toLowerCase(java.util.Locale.ROOT);
        do {
            cursor = purge.run(link.sync(), ScriptOutputType.VALUE, new String[] {nodesKey, indexOf(node)}, node, m,
                    String.valueOf(generation), cursor, String.valueOf(PURGE_PAGE));
        } while (!"0".equals(cursor) && !"alive".equals(cursor));
    }

    @Override
    public Map<String, Integer> presence(PrincipalKey principal) {
        List<Object> r = lookup.run(link.sync(), ScriptOutputType.MULTI, new String[] {nodesKey, prefix + "presence:" + principal.value()});
        return counts(r);
    }

    @Override
    public Map<PrincipalKey, Map<String, Integer>> presence(Collection<PrincipalKey> principals) {
        Map<PrincipalKey, Map<String, Integer>> all = new LinkedHashMap<>();
        if (principals.isEmpty()) return all;
        List<PrincipalKey> list = List.copyOf(principals);
        // The first one loads the script if Redis forgot it; the rest go out together.
        all.put(list.getFirst(), presence(list.getFirst()));
        RedisAsyncCommands<String, String> async = link.async();
        List<RedisFuture<List<Object>>> futures = new ArrayList<>();
        for (PrincipalKey p : list.subList(1, list.size())) {
            futures.add(async.evalsha(lookup.sha, ScriptOutputType.MULTI, nodesKey, prefix + "presence:" + p.value()));
        }
        if (!LettuceFutures.awaitAll(timeout.toMillis(), TimeUnit.MILLISECONDS, futures.toArray(new RedisFuture[0]))) {
            throw new io.lettuce.core.RedisCommandTimeoutException("presence lookup of " + list.size() + " principals timed out");
        }
        for (int i = 0; i < futures.size(); i++) {
            all.put(list.get(i + 1), counts(futures.get(i).toCompletableFuture().join()));
        }
        return all;
    }

    private static Map<String, Integer> counts(List<Object> r) {
        Map<String, Integer> counts = new TreeMap<>();
        for (int i = 0; i + 1 < r.size(); i += 2) counts.put((String) r.get(i), ((Long) r.get(i + 1)).intValue());
        return counts;
    }

    @Override
    public ClusterLimits.Lease acquire(String node, long generation, String key, String holder, int limit) {
        List<Object> r = acquire.run(link.sync(), ScriptOutputType.MULTI, new String[] {nodesKey, prefix + "lease:" + key, indexOf(node)},
                node, holder, String.valueOf(limit), String.valueOf(generation));
        return new ClusterLimits.Lease(((Long) r.get(0)) == 1L, ((Long) r.get(1)).intValue(), true);
    }

    @Override
    public ClusterLimits.Rate take(String key, double ratePerSecond, int burst) {
        List<Object> r = take.run(link.sync(), ScriptOutputType.MULTI, new String[] {prefix + "bucket:" + key},
                String.valueOf(ratePerSecond), String.valueOf(burst));
        boolean allowed = ((Long) r.get(0)) == 1L;
        return new ClusterLimits.Rate(allowed, allowed ? Duration.ZERO : Duration.ofMillis((Long) r.get(1)), true);
    }

    @Override
    public ClusterLimits.Failures failures(String key, FailureOp op, Duration window, int keep) {
        String base = prefix + "failures:" + key;
        List<Object> r = failures.run(link.sync(), ScriptOutputType.MULTI, new String[] {base, base + ":consecutive"},
                op.name().toLowerCase(java.util.Locale.ROOT), String.valueOf(window.toMillis()), String.valueOf(keep));
        return new ClusterLimits.Failures(((Long) r.get(0)).intValue(), ((Long) r.get(1)).intValue(),
                Duration.ofMillis((Long) r.get(2)), Duration.ofMillis((Long) r.get(3)), true);
    }

    private String keyOf(Entry e) {
        return prefix + (e.kind() == Entry.Kind.PRESENCE ? "presence:" : "lease:") + e.key();
    }

    private String indexOf(String node) {
        return prefix + "node:" + node + ":keys";
    }

    /** A Lua script run by its digest, sent in full when Redis does not have it (after a restart). */
    record Script(String text, String sha) {

        static Script load(String resource) {
            try (InputStream in = RedisState.class.getResourceAsStream(resource)) {
                if (in == null) throw new IllegalStateException("missing script " + resource);
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                return new Script(text, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8))));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        <T> T run(RedisCommands<String, String> redis, ScriptOutputType type, String[] keys, String... args) {
            try {
                return redis.evalsha(sha, type, keys, args);
            } catch (RedisNoScriptException e) {
                return redis.eval(text, type, keys, args);
            }
        }
    }
}
