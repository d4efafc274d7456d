package io.connecta.routetests;

import com.fasterxml.jackson.databind.JsonNode;
import io.connecta.common.test.Await;
import io.connecta.common.test.Http;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A worker's readiness reports its broker connection: DOWN while the broker is gone, UP again once it is back. */
class ReadinessFollowsBrokerTest {

    @Test
    void workerReadinessGoesDownWithTheBrokerAndUpWhenItIsBack() throws Exception {
        Path var = Files.createTempDirectory("connecta-readiness");
        int brokerPort = Apps.freePort();
        int orchestratorPort = Apps.freePort();
        Map<String, Object> orchestratorProps = new HashMap<>();
        orchestratorProps.put("connecta.var-dir", var.toString());
        orchestratorProps.put("connecta.broker.embedded.tcp-url", "tcp://127.0.0.1:" + brokerPort);
        Map<String, Object> cuProps = new HashMap<>();
        cuProps.put("connecta.var-dir", var.toString());
        cuProps.put("spring.activemq.broker-url", "tcp://127.0.0.1:" + brokerPort);

        ConfigurableApplicationContext orchestrator = Apps.orchestrator(orchestratorPort, Apps.h2("ready-o"), orchestratorProps);
        ConfigurableApplicationContext cu = Apps.cu("ready-cu", Apps.h2("ready-cu"), orchestratorPort, cuProps);
        try {
            Http cuHttp = new Http("http://127.0.0.1:" + Apps.port(cu));
            Await.until("the worker is ready with its broker", Duration.ofSeconds(60), () -> jms(cuHttp).equals("UP"));
            assertThat(cuHttp.get("/actuator/health/readiness").status()).isEqualTo(200);

            orchestrator.close(); // the embedded broker goes with it
            Await.until("readiness reports the broker DOWN", Duration.ofSeconds(60), () -> jms(cuHttp).equals("DOWN"));
            assertThat(cuHttp.get("/actuator/health/readiness").status()).as("not ready without a broker").isEqualTo(503);

            orchestrator = Apps.orchestrator(orchestratorPort, Apps.h2("ready-o"), orchestratorProps);
            Await.until("readiness is UP again with the broker back", Duration.ofSeconds(60), () -> jms(cuHttp).equals("UP"));
            assertThat(cuHttp.get("/actuator/health/readiness").status()).isEqualTo(200);
        } finally {
            cu.close();
            orchestrator.close();
        }
    }

    /** The jms component of the readiness group (its details are shown to anyone: see management.endpoint.health). */
    static String jms(Http http) {
        JsonNode health = http.get("/actuator/health/readiness").json();
        return health.path("components").path("jms").path("status").asText("ABSENT");
    }
}
