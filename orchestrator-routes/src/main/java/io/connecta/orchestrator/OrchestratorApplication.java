package io.connecta.orchestrator;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

import java.util.Map;

/** The Orchestrator: the front end's API, the workers' registry, job tracking and dispatch. */
@SpringBootApplication(scanBasePackages = {"io.connecta.orchestrator", "io.connecta.common"})
public class OrchestratorApplication {

    /** Its configuration is {@code orchestrator.yml} (not application.yml), so both apps can share one class path. */
    public static final String CONFIG_NAME = "orchestrator";

    public static void main(String[] args) {
        application().run(args);
    }

    public static SpringApplication application() {
        SpringApplication app = new SpringApplication(OrchestratorApplication.class);
        app.setDefaultProperties(Map.of("spring.config.name", CONFIG_NAME));
        return app;
    }
}
