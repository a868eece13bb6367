package org.deskframe.storage;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Registers the {@code dsync:} scheme before any bean exists, so the data source can open a {@code dsync:} URL. */
@Configuration(proxyBeanMethods = false)
class SyncedH2FilesRegistration {

    @Bean
    static BeanFactoryPostProcessor syncedH2Files() {
        return beanFactory -> SyncedH2Files.register();
    }
}
