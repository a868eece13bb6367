package org.deskframe.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@link AccessTokenVerificationBenchmark}'s variants measured in this thread's CPU time per operation rather than in
 * operations per wall-clock second: on a machine shared with other builds, time the thread spends waiting for a core
 * does not count, so the figures move far less with the load than JMH's. Rounds alternate the variants (each round
 * runs every variant once, in order), after a warm-up of each.
 * Run: {@code $JAVA_HOME/bin/java -cp bench/target/benchmarks.jar org.deskframe.bench.AccessTokenVerificationCpu [rounds] [ms per variant]}.
 */
public final class AccessTokenVerificationCpu {

    private AccessTokenVerificationCpu() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        long millis = args.length > 1 ? Long.parseLong(args[1]) : 3000;
        AccessTokenVerificationBenchmark bench = new AccessTokenVerificationBenchmark();
        bench.setUp();
        Map<String, Supplier<Object>> variants = new LinkedHashMap<>();
        variants.put("jdkSignatureOnly", bench::jdkSignatureOnly);
        variants.put("signatureOnParsedToken", bench::signatureOnParsedToken);
        variants.put("signatureWithVerifierReused", bench::signatureWithVerifierReused);
        variants.put("signatureAndClaims", bench::signatureAndClaims);
        variants.put("fullVerifier", bench::fullVerifier);
        variants.put("repeatedToken", bench::repeatedToken);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (var v : variants.entrySet()) run(threads, v.getValue(), millis);
        System.out.printf("%-30s %6s %14s %12s%n", "variant", "round", "ops", "CPU ns/op");
        for (int r = 1; r <= rounds; r++) {
            for (var v : variants.entrySet()) {
                long[] opsAndCpu = run(threads, v.getValue(), millis);
                System.out.printf("%-30s %6d %14d %12.1f%n", v.getKey(), r, opsAndCpu[0], (double) opsAndCpu[1] / opsAndCpu[0]);
            }
        }
    }

    /** Runs the variant for about {@code millis} of wall time; returns the operations done and the CPU nanoseconds they took. */
    static long[] run(ThreadMXBean threads, Supplier<Object> variant, long millis) {
        long ops = 0;
        long sink = 0;
        long cpu0 = threads.getCurrentThreadCpuTime();
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 64; i++) sink += variant.get().hashCode();
            ops += 64;
        }
        long cpu = threads.getCurrentThreadCpuTime() - cpu0;
        if (sink == 42) System.out.print("");
        return new long[] {ops, cpu};
    }
}
