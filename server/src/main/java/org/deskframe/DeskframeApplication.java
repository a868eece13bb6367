package org.deskframe;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The Deskframe platform server: one process holding every capability (see docs/architecture.md). */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class DeskframeApplication {
    public static void main(String[] args) {
        SpringApplication.run(DeskframeApplication.class, args);
    }
}
