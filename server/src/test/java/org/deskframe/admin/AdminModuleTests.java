package org.deskframe.admin;

import org.deskframe.DeskframeApplication;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModule;
import org.springframework.modulith.core.ApplicationModules;

/** The admin capability reaches other capabilities only through their APIs (never identity's internals or tables). */
class AdminModuleTests {

    @Test
    void adminDependsOnlyOnTheApisOfDiagnosticsIdentityAndTokens() {
        ApplicationModules modules = ApplicationModules.of(DeskframeApplication.class);
        ApplicationModule admin = modules.getModuleByName("admin").orElseThrow();
        admin.verifyDependencies(modules);
    }
}
