package org.deskframe.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Load driver for an OAuth token endpoint (run through {@code bench/token-bench.sh}): N client threads, each sending
 * one token request at a time over a keep-alive connection for a fixed time, after a warm-up. It records every
 * latency, non-200 answers and requests that got no answer within the timeout, and, given the server's process id,
 * the server's CPU time over the measured window. Bounded in time; it stops by itself.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar org.deskframe.identity.TokenEndpointLoad \
 *     --url=http://127.0.0.1:18081/oauth2/token --client-id=demo-backend --secret=... \
 *     [--grant=client_credentials|jwt-bearer] [--scope=presence] [--agent=agent1] [--audience=URL]
 *     [--levels=1,8,32] [--seconds=10] [--warmup=3] [--timeout=10] [--pid=PID] [--label=NAME] [--out=FILE.json]
 * </pre>
 */
public final class TokenEndpointLoad {

    private static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

    /** What one level measured. */
    public record Result(String label, String grant, int concurrency, double seconds, long ok, long failed, long timeouts,
                         double perSecond, double p50Ms, double p99Ms, double p999Ms, double maxMs, double cpuMicrosPerToken,
                         String firstFailure) {

        String line() {
            return String.format(Locale.ROOT, "%-10s %-18s c=%-3d ok=%-7d failed=%-5d timeouts=%-4d %8.1f req/s  p50 %7.2f ms"
                            + "  p99 %8.2f ms  p99.9 %8.1f ms  max %8.1f ms  cpu %s%s",
                    label, grant, concurrency, ok, failed, timeouts, perSecond, p50Ms, p99Ms, p999Ms, maxMs,
                    cpuMicrosPerToken < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f us/token", cpuMicrosPerToken),
                    firstFailure == null ? "" : "  first failure: " + firstFailure);
        }

        String json() {
            return String.format(Locale.ROOT, "{\"label\":\"%s\",\"grant\":\"%s\",\"concurrency\":%d,\"seconds\":%.1f,\"ok\":%d,"
                            + "\"failed\":%d,\"timeouts\":%d,\"perSecond\":%.1f,\"p50Ms\":%.3f,\"p99Ms\":%.3f,\"p999Ms\":%.3f,"
                            + "\"maxMs\":%.3f,\"cpuMicrosPerToken\":%.1f}",
                    label, grant, concurrency, seconds, ok, failed, timeouts, perSecond, p50Ms, p99Ms, p999Ms, maxMs, cpuMicrosPerToken);
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = options(args);
        String url = required(opts, "url");
        String clientId = required(opts, "client-id");
        String secret = required(opts, "secret");
        String grant = opts.getOrDefault("grant", "client_credentials");
        String scope = opts.get("scope");
        String agent = opts.getOrDefault("agent", "agent1");
        String audience = opts.getOrDefault("audience", url);
        int seconds = Integer.parseInt(opts.getOrDefault("seconds", "10"));
        int warmup = Integer.parseInt(opts.getOrDefault("warmup", "3"));
        Duration timeout = Duration.ofSeconds(Long.parseLong(opts.getOrDefault("timeout", "10")));
        long pid = Long.parseLong(opts.getOrDefault("pid", "-1"));
        String label = opts.getOrDefault("label", "server");
        int[] levels = Arrays.stream(opts.getOrDefault("levels", "1,8,32").split(",")).mapToInt(Integer::parseInt).toArray();

        String basic = "Basic " + Base64.getEncoder().encodeToString((form(clientId) + ":" + form(secret)).getBytes(StandardCharsets.UTF_8));
        Supplier<String> body = switch (grant) {
            case "client_credentials" -> {
                String fixed = "grant_type=client_credentials" + (scope == null ? "" : "&scope=" + form(scope));
                yield () -> fixed;
            }
            case "jwt-bearer" -> () -> "grant_type=" + form("urn:ietf:params:oauth:grant-type:jwt-bearer")
                    + "&assertion=" + form(assertion(clientId, secret, agent, audience))
                    + (scope == null ? "" : "&scope=" + form(scope));
            default -> throw new IllegalArgumentException("--grant must be client_credentials or jwt-bearer");
        };

        List<Result> results = new ArrayList<>();
        for (int concurrency : levels) {
            Result r = run(label, grant, URI.create(url), basic, body, concurrency, warmup, seconds, timeout, pid);
            System.out.println(r.line());
            results.add(r);
        }
        String out = opts.get("out");
        if (out != null) {
            Path file = Path.of(out);
            List<String> lines = new ArrayList<>();
            if (Files.exists(file)) lines.addAll(Files.readAllLines(file));
            results.forEach(r -> lines.add(r.json()));
            Files.write(file, lines);
        }
    }

    static Result run(String label, String grant, URI url, String basic, Supplier<String> body, int concurrency,
                      int warmupSeconds, int seconds, Duration timeout, long pid) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        long warmupEnd = System.nanoTime() + Duration.ofSeconds(warmupSeconds).toNanos();
        long end = warmupEnd + Duration.ofSeconds(seconds).toNanos();
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong timeouts = new AtomicLong();
        String[] firstFailure = new String[1];
        long[][] latencies = new long[concurrency][];
        CountDownLatch started = new CountDownLatch(concurrency);
        CountDownLatch done = new CountDownLatch(concurrency);
        long[] cpuAtStart = new long[1];
        Thread[] threads = new Thread[concurrency];
        for (int t = 0; t < concurrency; t++) {
            int index = t;
            threads[t] = Thread.ofPlatform().name("load-" + t).daemon().start(() -> {
                long[] mine = new long[1024];
                int n = 0;
                started.countDown();
                try {
                    while (true) {
                        long begin = System.nanoTime();
                        if (begin >= end) break;
                        boolean measured = begin >= warmupEnd;
                        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout)
                                .header("Authorization", basic)
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString(body.get())).build();
                        try {
                            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                            long elapsed = System.nanoTime() - begin;
                            if (!measured) continue;
                            if (response.statusCode() == 200 && response.body().contains("access_token")) {
                                ok.incrementAndGet();
                                if (n == mine.length) mine = Arrays.copyOf(mine, n * 2);
                                mine[n++] = elapsed;
                            } else {
                                failed.incrementAndGet();
                                synchronized (firstFailure) {
                                    if (firstFailure[0] == null) firstFailure[0] = response.statusCode() + " " + response.body();
                                }
                            }
                        } catch (HttpTimeoutException e) {
                            if (measured) timeouts.incrementAndGet();
                        } catch (IOException e) {
                            if (measured) {
                                failed.incrementAndGet();
                                synchronized (firstFailure) {
                                    if (firstFailure[0] == null) firstFailure[0] = e.toString();
                                }
                            }
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    latencies[index] = Arrays.copyOf(mine, n);
                    done.countDown();
                }
            });
        }
        started.await();
        Thread.sleep(Math.max(0, (warmupEnd - System.nanoTime()) / 1_000_000));
        cpuAtStart[0] = cpuTicks(pid);
        long measureStart = System.nanoTime();
        done.await();
        double elapsedSeconds = (System.nanoTime() - measureStart) / 1e9;
        long cpuTicks = cpuTicks(pid) - cpuAtStart[0];
        client.close();

        long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
        double cpuPerToken = pid < 0 || ok.get() == 0 ? -1 : cpuTicks * 1e6 / CLOCK_TICKS_PER_SECOND / ok.get();
        return new Result(label, grant, concurrency, elapsedSeconds, ok.get(), failed.get(), timeouts.get(),
                ok.get() / elapsedSeconds, percentile(all, 50), percentile(all, 99), percentile(all, 99.9),
                all.length == 0 ? 0 : all[all.length - 1] / 1e6, cpuPerToken, firstFailure[0]);
    }

    /** The nearest-rank percentile of sorted nanosecond latencies, in milliseconds (0 when there are none). */
    static double percentile(long[] sortedNanos, double p) {
        if (sortedNanos.length == 0) return 0;
        int rank = (int) Math.ceil(p / 100 * sortedNanos.length);
        return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, rank - 1))] / 1e6;
    }

    /** utime + stime of a process, in clock ticks, from /proc (0 when no process is given). */
    static long cpuTicks(long pid) {
        if (pid < 0) return 0;
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the CPU time of process " + pid, e);
        }
    }

    /** An RFC 7523 assertion for {@code agent}, HS256 with the client's secret, valid two minutes, with a fresh jti. */
    static String assertion(String clientId, String secret, String agent, String audience) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(clientId).subject(agent).audience(audience)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(120)))
                .jwtID(UUID.randomUUID().toString()).build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String form(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) throw new IllegalArgumentException("options are --name=value: " + arg);
            opts.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        return opts;
    }

    private static String required(Map<String, String> opts, String name) {
        String v = opts.get(name);
        if (v == null || v.isBlank()) throw new IllegalArgumentException("--" + name + " is required");
        return v;
    }
}
