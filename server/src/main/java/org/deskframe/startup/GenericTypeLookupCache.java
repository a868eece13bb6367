package org.deskframe.startup;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;

/**
 * The platform's bean factory: Spring's own, plus a cache of the bean names found for a generic type
 * ({@code Customizer<CsrfConfigurer<HttpSecurity>>}), which Spring caches only for plain classes.
 *
 * <p>Why: Spring Security builds each {@code HttpSecurity} (one per filter chain: the platform has several) by asking
 * the context, for every {@code HttpSecurity} method that takes a {@code Customizer}, for the beans of that generic
 * type; each such question, uncached, matches the type against every one of the ~900 bean definitions. In a profile
 * of a restart that was about a fifth of the {@code main} thread's time to health UP (docs/benchmarks.md, "Cold start
 * and memory floor").
 *
 * <p>The cache follows the rules of Spring's own cache by class: answers are kept only once the configuration is
 * frozen (the bean definitions are final, as they are from the creation of the singletons on), and every change that
 * clears Spring's cache (a bean definition registered, removed or reset, a singleton registered or destroyed, the
 * metadata cache cleared) clears this one too.
 */
final class GenericTypeLookupCache extends DefaultListableBeanFactory {

    private record Lookup(ResolvableType type, boolean includeNonSingletons, boolean allowEagerInit) {}

    private final Map<Lookup, String[]> namesByGenericType = new ConcurrentHashMap<>();

    @Override
    public String[] getBeanNamesForType(ResolvableType type, boolean includeNonSingletons, boolean allowEagerInit) {
        Class<?> resolved = type.resolve();
        // Plain classes: Spring's own cache. Unresolvable ones, or ones another class loader may drop: not kept.
        if (!type.hasGenerics() || resolved == null || !isConfigurationFrozen()
                || !ClassUtils.isCacheSafe(resolved, getBeanClassLoader())) {
            return super.getBeanNamesForType(type, includeNonSingletons, allowEagerInit);
        }
        Lookup lookup = new Lookup(type, includeNonSingletons, allowEagerInit);
        String[] names = namesByGenericType.get(lookup);
        if (names == null) {
            // Not computeIfAbsent: matching may create FactoryBeans, which may ask for other types meanwhile.
            names = super.getBeanNamesForType(type, includeNonSingletons, allowEagerInit);
            namesByGenericType.put(lookup, names);
        }
        return names.clone();
    }

    @Override
    public void registerBeanDefinition(String beanName, BeanDefinition beanDefinition) {
        super.registerBeanDefinition(beanName, beanDefinition);
        namesByGenericType.clear();
    }

    @Override
    public void removeBeanDefinition(String beanName) {
        super.removeBeanDefinition(beanName);
        namesByGenericType.clear();
    }

    @Override
    protected void resetBeanDefinition(String beanName) {
        super.resetBeanDefinition(beanName);
        namesByGenericType.clear();
    }

    @Override
    public void registerSingleton(String beanName, Object singletonObject) {
        super.registerSingleton(beanName, singletonObject);
        namesByGenericType.clear();
    }

    @Override
    public void destroySingleton(String beanName) {
        super.destroySingleton(beanName);
        namesByGenericType.clear();
    }

    @Override
    public void destroySingletons() {
        super.destroySingletons();
        namesByGenericType.clear();
    }

    @Override
    public void clearMetadataCache() {
        super.clearMetadataCache();
        namesByGenericType.clear();
    }

    @Override
    public void freezeConfiguration() {
        namesByGenericType.clear();
        super.freezeConfiguration();
    }
}
