package org.deskframe.startup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;
import org.deskframe.DeskframeApplication;
import org.junit.jupiter.api.Test;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringApplicationHook;
import org.springframework.boot.SpringApplicationRunListener;
import org.springframework.boot.autoconfigure.condition.ConditionEvaluationReport;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;

/**
 * The claim behind {@link ConditionInputs#PRESENCE_ONLY}: fixing the bean definitions as Spring AOT does at build time
 * (the application prepared, then refreshed for AOT processing: conditions evaluated, no bean created) with another
 * HTTP port and data directory gives the same bean definitions and the same condition outcomes. A Redis URL does not,
 * which shows the comparison can tell.
 */
class ConditionInputsIntegrationTests {

    static final String[] EMBEDDED = {"--deskframe.demo.enabled=true"};

    /** Bean name -> class and factory method, and condition source -> matched, as the build would fix them. */
    static Map<String, String> fixedDefinitions(String... args) {
        SpringApplicationHook stopBeforeRefresh = application -> new SpringApplicationRunListener() {
            @Override
            public void contextLoaded(ConfigurableApplicationContext context) {
                throw new SpringApplication.AbandonedRunException(context);
            }
        };
        ConfigurableApplicationContext context;
        try {
            SpringApplication.withHook(stopBeforeRefresh, () -> SpringApplication.run(DeskframeApplication.class, args));
            throw new AssertionError("the application was not stopped before its refresh");
        } catch (SpringApplication.AbandonedRunException stopped) {
            context = stopped.getApplicationContext();
        }
        try {
            ((GenericApplicationContext) context).refreshForAotProcessing(new RuntimeHints());
            ConfigurableListableBeanFactory beans = context.getBeanFactory();
            Map<String, String> fixed = new TreeMap<>();
            for (String name : beans.getBeanDefinitionNames()) {
                BeanDefinition definition = beans.getBeanDefinition(name);
                fixed.put("bean " + name, definition.getBeanClassName() + "#" + definition.getFactoryMethodName());
            }
            ConditionEvaluationReport.get(beans).getConditionAndOutcomesBySource()
                    .forEach((source, outcomes) -> fixed.put("condition " + source, String.valueOf(outcomes.isFullMatch())));
            return fixed;
        } finally {
            context.close();
        }
    }

    static String[] with(String... more) {
        String[] all = java.util.Arrays.copyOf(EMBEDDED, EMBEDDED.length + more.length);
        System.arraycopy(more, 0, all, EMBEDDED.length, more.length);
        return all;
    }

    @Test
    void anotherPortAndDataDirectoryFixTheSameBeanDefinitionsButARedisUrlDoesNot() {
        Map<String, String> build = fixedDefinitions(with("--server.port=8080", "--deskframe.identity.data-dir=./data",
                "--deskframe.cluster.redis-url="));
        Map<String, String> elsewhere = fixedDefinitions(with("--server.port=28411", "--deskframe.identity.data-dir=/tmp/deskframe-elsewhere",
                "--deskframe.cluster.redis-url="));
        Map<String, String> overRedis = fixedDefinitions(with("--server.port=8080", "--deskframe.identity.data-dir=./data",
                "--deskframe.cluster.redis-url=redis://127.0.0.1:6379"));

        assertThat(build).hasSizeGreaterThan(300);
        assertThat(elsewhere).isEqualTo(build);
        assertThat(overRedis).isNotEqualTo(build);
    }
}
