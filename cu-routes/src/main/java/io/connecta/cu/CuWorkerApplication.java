package io.connecta.cu;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The CU worker: serves its profiles and runs jobs with the legacy CU executable. */
@SpringBootApplication(scanBasePackages = {"io.connecta.cu", "io.connecta.profiles", "io.connecta.common"})
public class CuWorkerApplication {

    public static void main(String[] args) {
        SpringApplication.run(CuWorkerApplication.class, args);
    }
}
