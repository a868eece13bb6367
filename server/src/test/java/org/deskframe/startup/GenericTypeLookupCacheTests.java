package org.deskframe.startup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.RootBeanDefinition;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.FactoryBean;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.web.server.servlet.context.AnnotationConfigServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ResolvableType;

class GenericTypeLookupCacheTests {

    static final ResolvableType CONSUMER_OF_STRING = ResolvableType.forClassWithGenerics(Consumer.class, String.class);
    static final ResolvableType CONSUMER_OF_NUMBER = ResolvableType.forClassWithGenerics(Consumer.class, Number.class);

    static GenericTypeLookupCache factoryWith(String name, ResolvableType type, Supplier<?> instance) {
        GenericTypeLookupCache factory = new GenericTypeLookupCache();
        register(factory, name, type, instance);
        return factory;
    }

    static void register(GenericTypeLookupCache factory, String name, ResolvableType type, Supplier<?> instance) {
        RootBeanDefinition definition = new RootBeanDefinition();
        definition.setTargetType(type);
        definition.setInstanceSupplier(instance);
        factory.registerBeanDefinition(name, definition);
    }

    @Test
    void answersAsSpringDoesForGenericTypesOnceFrozen() {
        GenericTypeLookupCache factory = factoryWith("strings", CONSUMER_OF_STRING, () -> (Consumer<String>) s -> {});
        register(factory, "numbers", CONSUMER_OF_NUMBER, () -> (Consumer<Number>) n -> {});
        factory.freezeConfiguration();

        for (int i = 0; i < 2; i++) { // the second time from the cache
            assertThat(factory.getBeanNamesForType(CONSUMER_OF_STRING)).containsExactly("strings");
            assertThat(factory.getBeanNamesForType(CONSUMER_OF_NUMBER)).containsExactly("numbers");
            assertThat(factory.getBeanNamesForType(ResolvableType.forClass(Consumer.class)))
                    .containsExactlyInAnyOrder("strings", "numbers");
        }
    }

    @Test
    void aNewDefinitionOrSingletonIsSeenAfterAnAnswerWasKept() {
        GenericTypeLookupCache factory = factoryWith("strings", CONSUMER_OF_STRING, () -> (Consumer<String>) s -> {});
        factory.freezeConfiguration();
        assertThat(factory.getBeanNamesForType(CONSUMER_OF_STRING)).containsExactly("strings");

        register(factory, "moreStrings", CONSUMER_OF_STRING, () -> (Consumer<String>) s -> {});
        factory.freezeConfiguration();
        assertThat(factory.getBeanNamesForType(CONSUMER_OF_STRING)).containsExactlyInAnyOrder("strings", "moreStrings");

        factory.registerSingleton("evenMore", new StringConsumer());
        assertThat(factory.getBeanNamesForType(CONSUMER_OF_STRING))
                .containsExactlyInAnyOrder("strings", "moreStrings", "evenMore");

        factory.destroySingleton("evenMore");
        assertThat(factory.getBeanNamesForType(CONSUMER_OF_STRING)).containsExactlyInAnyOrder("strings", "moreStrings");
    }

    @Test
    void theSecondLookupOfAGenericTypeDoesNotMatchTheBeansAgain() {
        AtomicInteger typeAsked = new AtomicInteger();
        GenericTypeLookupCache factory = new GenericTypeLookupCache();
        factory.registerSingleton("counting", new FactoryBean<Object>() {
            @Override
            public Object getObject() {
                return new Object();
            }

            @Override
            public Class<?> getObjectType() {
                typeAsked.incrementAndGet();
                return Object.class;
            }
        });
        factory.freezeConfiguration();
        factory.getBeanNamesForType(CONSUMER_OF_STRING);
        int afterFirst = typeAsked.get();
        factory.getBeanNamesForType(CONSUMER_OF_STRING);
        assertThat(afterFirst).isPositive();
        assertThat(typeAsked).hasValue(afterFirst);
    }

    @Test
    void aCallerChangingItsAnswerDoesNotChangeTheNext() {
        GenericTypeLookupCache factory = factoryWith("strings", CONSUMER_OF_STRING, () -> (Consumer<String>) s -> {});
        factory.freezeConfiguration();
        factory.getBeanNamesForType(CONSUMER_OF_STRING)[0] = "changed";
        assertThat(factory.getBeanNamesForType(CONSUMER_OF_STRING)).containsExactly("strings");
    }

    @Test
    void bootCreatesTheServletContextOnThisFactory() {
        ConfigurableApplicationContext context = new PlatformContextFactory().create(WebApplicationType.SERVLET);
        assertThat(context).isInstanceOf(AnnotationConfigServletWebServerApplicationContext.class);
        assertThat(context.getBeanFactory()).isInstanceOf(GenericTypeLookupCache.class);
        assertThat(new PlatformContextFactory().create(WebApplicationType.NONE)).isNull();
        // and Boot's default factory picks it from spring.factories, ahead of Boot's own
        assertThat(org.springframework.boot.ApplicationContextFactory.DEFAULT.create(WebApplicationType.SERVLET)
                .getBeanFactory()).isInstanceOf(GenericTypeLookupCache.class);
    }

    static final class StringConsumer implements Consumer<String> {
        @Override
        public void accept(String s) {}
    }
}
