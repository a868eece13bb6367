package org.deskframe.startup;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.Security;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Puts a native cryptography provider (Amazon Corretto Crypto Provider, on AWS-LC) first among the JVM's security
 * providers, unless {@code deskframe.crypto.provider=jdk}.
 *
 * <p>Why: the JDK's RSA is {@code BigInteger} arithmetic whose fast paths are C2 intrinsics, and the platform's JVM
 * runs C1 only ({@code bin/platform-jvm}): there an RS256 signature took ~17 ms of CPU and a check ~0.45 ms (with C2
 * 1.15 ms and 0.04 ms; native 0.63 ms and 0.02 ms, whatever the JIT). Every access token, refresh and jwt-bearer
 * grant signs once, every handshake checks once. The provider also serves digests, MACs and {@code SecureRandom}
 * (no process-wide lock, unlike the JDK's {@code NativePRNG}). What is signed and how it is checked do not change:
 * the same RS256 over the same keys; a token signed natively verifies with the JDK's provider and the other way round.
 *
 * <p>{@code auto} (default): native where it loads (Linux x86-64), else the JDK's providers with the reason in the
 * log, loaded on a thread of its own once the platform is ready ({@link AfterStart}); {@code native}: loaded before the start goes on, which fails when
 * it does not load; {@code jdk}: the JDK's providers only.
 */
final class NativeCryptography implements EnvironmentPostProcessor, Ordered {

    static final String PROPERTY = "deskframe.crypto.provider";

    private final Log log;

    NativeCryptography(DeferredLogFactory logs) {
        this.log = logs.getLog(NativeCryptography.class);
    }

    @Override
    public int getOrder() {
        // After the configuration files are read (the property may be set there), before the other post-processors.
        return Ordered.LOWEST_PRECEDENCE - 10;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String mode = normalised(environment.getProperty(PROPERTY));
        settled();
        if (mode.equals("auto")) {
            // Loaded once the platform is ready (AfterStart), not before: loading the library (its signed jar verified,
            // 9.6 MB of native code extracted and linked) took 0.5-0.9 s of CPU under C1, measured, which would compete
            // with the start for the two cores. Until it is in, the JDK's providers serve (providers are looked up per
            // operation, and the list is replaced atomically): a token signed before is signed by the JDK, same bytes.
            autoRequested = true;
        } else {
            apply(mode, log);
        }
    }

    private static volatile boolean autoRequested;
    private static volatile Thread pending;

    /** Starts the {@code auto} load on a thread of its own once the platform is ready. */
    static final class AfterStart implements ApplicationListener<ApplicationReadyEvent> {
        @Override
        public void onApplicationEvent(ApplicationReadyEvent event) {
            loadBesideTheRunningPlatform();
        }
    }

    static void loadBesideTheRunningPlatform() {
        if (!autoRequested) return;
        autoRequested = false;
        Log log = LogFactory.getLog(NativeCryptography.class);
        Thread loader = Thread.ofPlatform().name("native-crypto-loader").daemon().unstarted(() -> apply("auto", log));
        pending = loader;
        loader.start();
    }

    /** Waits for a load already started in this JVM to finish (tests start several platforms). */
    static void settled() {
        Thread loader = pending;
        if (loader == null) return;
        try {
            loader.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void apply(String mode, Log log) {
        Choice choice = choose(mode, NativeCryptography::loadingError);
        if (choice.install()) {
            if (Security.getProvider(AmazonCorrettoCryptoProvider.PROVIDER_NAME) == null) {
                AmazonCorrettoCryptoProvider.install();
            }
        } else {
            // A JVM that already started a platform (tests start several) gets what this start asks for.
            Security.removeProvider(AmazonCorrettoCryptoProvider.PROVIDER_NAME);
        }
        log.info(choice.message());
    }

    /** Whether the native provider goes first, and what the log says about it. */
    record Choice(boolean install, String message) {
    }

    /**
     * The choice for {@code mode}, given what loading the native library reported (null: it loaded and passed its
     * health check). Refuses an unknown mode, and {@code native} when the library did not load, naming the fix.
     */
    static Choice choose(String mode, Supplier<Throwable> loadingError) {
        String normalised = normalised(mode);
        switch (normalised) {
            case "jdk" -> {
                return new Choice(false, "Cryptography: the JDK's providers (" + PROPERTY + "=jdk)");
            }
            case "auto", "native" -> {
                Throwable error = loadingError.get();
                if (error == null) {
                    return new Choice(true, "Cryptography: " + describe() + " first, the JDK's providers after it");
                }
                String why = error.getClass().getSimpleName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
                if (normalised.equals("native")) {
                    throw new IllegalStateException(PROPERTY + "=native, but the native cryptography provider did not load ("
                            + why + "). It ships for Linux x86-64 only; set " + PROPERTY + "=auto or jdk to start with the "
                            + "JDK's providers.", error);
                }
                return new Choice(false, "Cryptography: the JDK's providers (the native provider did not load: " + why
                        + "; RSA signatures cost several times more CPU, see docs/benchmarks.md \"Native cryptography\")");
            }
            default -> throw new IllegalArgumentException(PROPERTY + "=" + mode
                    + " is not a choice: use auto (native where it loads, the default), native (required) or jdk");
        }
    }

    /** The mode as written, without case or surrounding blanks; unset is {@code auto}. */
    private static String normalised(String mode) {
        return mode == null ? "auto" : mode.trim().toLowerCase(Locale.ROOT);
    }

    private static Throwable loadingError() {
        try {
            Throwable error = AmazonCorrettoCryptoProvider.INSTANCE.getLoadingError();
            if (error != null) return error;
            AmazonCorrettoCryptoProvider.INSTANCE.assertHealthy();
            return null;
        } catch (RuntimeException | LinkageError e) {
            return e;
        }
    }

    /** E.g. "AmazonCorrettoCryptoProvider 2.5.0 (AWS-LC v1.47.0)": the library names itself in its version string. */
    private static String describe() {
        AmazonCorrettoCryptoProvider provider = AmazonCorrettoCryptoProvider.INSTANCE;
        return provider.getName() + " " + provider.getVersionStr() + " (" + provider.getAwsLcVersionStr() + ")";
    }
}
