package org.deskframe.startup;

import java.io.IOException;
import java.util.List;
import org.apache.commons.logging.Log;
import org.springframework.aot.AotDetector;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Lets a start use the bean definitions Spring AOT fixed at build time only when they are the ones it would compute:
 * when {@code -Dspring.aot.enabled=true} asks for them and every input of the build's conditions
 * ({@link ConditionInputs}) is unchanged in this environment; otherwise it turns AOT off before the context is created,
 * and the start evaluates its conditions as usual. It logs which mode started and, when off, the inputs that differ.
 * During the build it puts {@link ConditionInputsRecorder.Lookups} first in the environment instead.
 * Runs last of the environment post-processors: the configuration files and profiles are loaded by then.
 */
final class SpringAotGuard implements EnvironmentPostProcessor, Ordered {

    /** Set by Spring's AOT processor while it runs the application at build time. */
    static final String PROCESSING = "spring.aot.processing";

    private final Log log;

    SpringAotGuard(DeferredLogFactory logs) {
        this.log = logs.getLog(SpringAotGuard.class);
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (Boolean.getBoolean(PROCESSING)) {
            environment.getPropertySources().addFirst(new ConditionInputsRecorder.Lookups());
            return;
        }
        if (!AotDetector.useGeneratedArtifacts()) return;
        String refusal = refusal(environment, application.getClassLoader());
        if (refusal == null) {
            log.info("Spring AOT on: bean definitions fixed at build time (every input of their conditions unchanged)");
        } else {
            System.setProperty(AotDetector.AOT_ENABLED, "false");
            log.info("Spring AOT off: " + refusal + "; evaluating the bean definitions' conditions at start-up");
        }
    }

    /** Why the build's bean definitions do not fit this environment, or null when they do. */
    static String refusal(ConfigurableEnvironment environment, ClassLoader classLoader) {
        ConditionInputs recorded;
        try {
            recorded = ConditionInputs.recorded(classLoader);
        } catch (IOException e) {
            return "the build's record of its condition inputs could not be read (" + e.getMessage() + ")";
        }
        if (recorded == null) return "this build has no record of its condition inputs (" + ConditionInputs.RESOURCE + ")";
        List<String> differing = ConditionInputs.of(environment, recorded.keys()).differences(recorded);
        if (differing.isEmpty()) return null;
        return "what the build's conditions read differs here: " + String.join(", ", differing.subList(0, Math.min(8, differing.size())))
                + (differing.size() > 8 ? " and " + (differing.size() - 8) + " more" : "");
    }
}
