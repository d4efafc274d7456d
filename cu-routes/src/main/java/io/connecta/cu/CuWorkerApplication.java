package io.connecta.cu;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

import java.util.Map;

/** The CU worker: serves its profiles and runs jobs with the legacy CU executable. */
@SpringBootApplication(scanBasePackages = {"io.connecta.cu", "io.connecta.profiles", "io.connecta.common"})
public class CuWorkerApplication {

    /** Its configuration is {@code cu-worker.yml} (not application.yml), so both apps can share one class path. */
    public static final String CONFIG_NAME = "cu-worker";

    public static void main(String[] args) {
        // the dev database's auto-server (cu-worker.yml, shared by the local workers) listens on loopback only
        System.getProperties().putIfAbsent("h2.bindAddress", "127.0.0.1");
        application().run(args);
    }

    public static SpringApplication application() {
        SpringApplication app = new SpringApplication(CuWorkerApplication.class);
        app.setDefaultProperties(Map.of("spring.config.name", CONFIG_NAME));
        return app;
    }
}
