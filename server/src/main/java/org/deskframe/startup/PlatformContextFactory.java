package org.deskframe.startup;

import org.springframework.aot.AotDetector;
import org.springframework.boot.ApplicationContextFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.web.server.servlet.context.AnnotationConfigServletWebServerApplicationContext;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * The servlet application context Boot would create (with Spring AOT's generated definitions or without), on the
 * platform's bean factory ({@link GenericTypeLookupCache}). Registered in META-INF/spring.factories ahead of Boot's own
 * factory, so that every start takes it: {@code main}, the AOT processing at build time and the tests' contexts on a
 * real port; other application types, and the environment, are left to Boot's factories.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
public final class PlatformContextFactory implements ApplicationContextFactory {

    @Override
    public Class<? extends ConfigurableEnvironment> getEnvironmentType(WebApplicationType webApplicationType) {
        return null;
    }

    @Override
    public ConfigurableEnvironment createEnvironment(WebApplicationType webApplicationType) {
        return null;
    }

    @Override
    public ConfigurableApplicationContext create(WebApplicationType webApplicationType) {
        if (webApplicationType != WebApplicationType.SERVLET) {
            return null;
        }
        GenericTypeLookupCache beanFactory = new GenericTypeLookupCache();
        return AotDetector.useGeneratedArtifacts()
                ? new ServletWebServerApplicationContext(beanFactory)
                : new AnnotationConfigServletWebServerApplicationContext(beanFactory);
    }
}
