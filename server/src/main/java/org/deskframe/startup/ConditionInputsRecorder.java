package org.deskframe.startup;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;

/**
 * At build time (the {@code process-aot} goal), writes {@link ConditionInputs#RESOURCE}: by then every condition of the
 * bean definitions has been evaluated, and {@link Lookups}, which {@link SpringAotGuard} put first in the environment,
 * has seen each key they asked for. Registered in {@code META-INF/spring/aot.factories}; not used at run time.
 */
final class ConditionInputsRecorder implements BeanFactoryInitializationAotProcessor {

    @Override
    public BeanFactoryInitializationAotContribution processAheadOfTime(ConfigurableListableBeanFactory beanFactory) {
        if (!beanFactory.containsBean(ConfigurableApplicationContext.ENVIRONMENT_BEAN_NAME)) return null;
        ConfigurableEnvironment environment = beanFactory.getBean(
                ConfigurableApplicationContext.ENVIRONMENT_BEAN_NAME, ConfigurableEnvironment.class);
        if (!(environment.getPropertySources().get(Lookups.NAME) instanceof Lookups lookups)) {
            throw new IllegalStateException("Spring AOT ran without " + SpringAotGuard.class.getSimpleName()
                    + " recording the conditions' property lookups (is it in META-INF/spring.factories?)");
        }
        // The keys as the conditions left them: the digests' own look-ups must not add to them (the record would then
        // depend on the iteration), so the source goes first; it holds nothing, so no later look-up misses it.
        Set<String> keys = new TreeSet<>(lookups.keys());
        environment.getPropertySources().remove(Lookups.NAME);
        String text = ConditionInputs.of(environment, keys).text();
        return (generationContext, code) -> generationContext.getGeneratedFiles().addResourceFile(ConditionInputs.RESOURCE, text);
    }

    /** A property source that holds nothing and notes every key asked of it: put first, it is asked every key. */
    static final class Lookups extends PropertySource<Object> {

        static final String NAME = "deskframeConditionLookups";

        private final Set<String> keys = new ConcurrentSkipListSet<>();

        Lookups() {
            super(NAME, new Object());
        }

        @Override
        public Object getProperty(String name) {
            keys.add(name);
            return null;
        }

        @Override
        public boolean containsProperty(String name) {
            keys.add(name);
            return false;
        }

        Set<String> keys() {
            return keys;
        }
    }
}
