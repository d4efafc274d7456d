package io.connecta.orchestrator;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The Orchestrator: the front end's API, the workers' registry, job tracking and dispatch. */
@SpringBootApplication(scanBasePackages = {"io.connecta.orchestrator", "io.connecta.common"})
public class OrchestratorApplication {

    public static void main(String[] args) {
        SpringApplication.run(OrchestratorApplication.class, args);
    }
}
