package org.deskframe.startup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.aot.AotDetector;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogs;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.DefaultResourceLoader;

class SpringAotGuardTests {

    @TempDir
    Path jar;

    @AfterEach
    void clearRequest() {
        System.clearProperty(AotDetector.AOT_ENABLED);
    }

    /** A class path holding what the build recorded for the BUILD environment of ConditionInputsTests. */
    ClassLoader builtFor(StandardEnvironment build) throws IOException {
        Path record = jar.resolve(ConditionInputs.RESOURCE);
        Files.createDirectories(record.getParent());
        Files.writeString(record, ConditionInputs.of(build, ConditionInputsTests.KEYS).text());
        return new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
    }

    static SpringApplication application(ClassLoader classLoader) {
        SpringApplication application = new SpringApplication();
        application.setResourceLoader(new DefaultResourceLoader(classLoader));
        return application;
    }

    @Test
    void whenRequestedAndEveryInputIsUnchangedThenAotStaysOn() throws IOException {
        ClassLoader classLoader = builtFor(ConditionInputsTests.environment(ConditionInputsTests.BUILD));
        System.setProperty(AotDetector.AOT_ENABLED, "true");

        new SpringAotGuard(new DeferredLogs()).postProcessEnvironment(ConditionInputsTests.environment(ConditionInputsTests.BUILD),
                application(classLoader));

        assertThat(AotDetector.useGeneratedArtifacts()).isTrue();
    }

    @Test
    void whenRequestedAndAnInputDiffersThenAotIsTurnedOffBeforeTheContextIsCreated() throws IOException {
        ClassLoader classLoader = builtFor(ConditionInputsTests.environment(ConditionInputsTests.BUILD));
        System.setProperty(AotDetector.AOT_ENABLED, "true");
        StandardEnvironment overRedis = ConditionInputsTests.environment(
                ConditionInputsTests.build("deskframe.cluster.redis-url", "redis://127.0.0.1:6379"));

        assertThat(SpringAotGuard.refusal(overRedis, classLoader)).contains("deskframe.cluster.redis-url");
        new SpringAotGuard(new DeferredLogs()).postProcessEnvironment(overRedis, application(classLoader));

        assertThat(AotDetector.useGeneratedArtifacts()).isFalse();
    }

    @Test
    void whenTheJarHasNoRecordThenAotIsRefused() {
        ClassLoader empty = new URLClassLoader(new URL[0], null);
        System.setProperty(AotDetector.AOT_ENABLED, "true");

        new SpringAotGuard(new DeferredLogs()).postProcessEnvironment(ConditionInputsTests.environment(Map.of()), application(empty));

        assertThat(SpringAotGuard.refusal(ConditionInputsTests.environment(Map.of()), empty)).contains("no record");
        assertThat(AotDetector.useGeneratedArtifacts()).isFalse();
    }

    @Test
    void whenNotRequestedThenTheGuardLeavesAotOff() throws IOException {
        ClassLoader classLoader = builtFor(ConditionInputsTests.environment(ConditionInputsTests.BUILD));

        new SpringAotGuard(new DeferredLogs()).postProcessEnvironment(ConditionInputsTests.environment(ConditionInputsTests.BUILD),
                application(classLoader));

        assertThat(AotDetector.useGeneratedArtifacts()).isFalse();
        assertThat(System.getProperty(AotDetector.AOT_ENABLED)).isNull();
    }
}
