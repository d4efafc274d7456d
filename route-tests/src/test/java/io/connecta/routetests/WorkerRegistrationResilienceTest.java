package io.connecta.routetests;

import com.fasterxml.jackson.databind.JsonNode;
import io.connecta.common.test.Await;
import io.connecta.common.test.Http;
import io.connecta.common.test.PostgresDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A CU worker keeps itself registered whatever the orchestrator does: late start, forgetting, restarts. */
class WorkerRegistrationResilienceTest {

    ConfigurableApplicationContext orchestrator;
    ConfigurableApplicationContext cu;

    @AfterEach
    void stop() {
        for (ConfigurableApplicationContext app : new ConfigurableApplicationContext[] {cu, orchestrator}) {
            if (app != null && app.isActive()) {
                app.close();
            }
        }
    }

    static String status(Http fe, String instanceId) {
        for (JsonNode w : fe.get("/workers").json()) {
            if (w.path("instanceId").asText().equals(instanceId)) {
                return w.path("status").asText();
            }
        }
        return "ABSENT";
    }

    @Test
    void workerWaitsForALateOrchestratorAndRegistersAgainWhenForgotten() {
        int port = Apps.freePort();
        cu = Apps.cu("cu-late", Apps.h2("late-cu"), port, Map.of("connecta.worker.max-backoff-seconds", 1));
        Http worker = new Http("http://127.0.0.1:" + Apps.port(cu) + "/api/v1");
        assertThat(worker.get("/profiles").status()).as("the worker serves while the orchestrator is away").isEqualTo(200);

        orchestrator = Apps.orchestrator(port, Apps.h2("late-orchestrator"),
                Map.of("connecta.orchestrator.registry.lease-seconds", 3));
        Http fe = new Http("http://127.0.0.1:" + port + "/api/fe/v1");
        Http be = new Http("http://127.0.0.1:" + port + "/api/be/v1");
        Await.until("the worker registers once the orchestrator is up", () -> status(fe, "cu-late").equals("UP"));

        assertThat(be.delete("/workers/cu-late").status()).isEqualTo(204);
        assertThat(status(fe, "cu-late")).isEqualTo("ABSENT");
        Await.until("the next heartbeat gets 404 and the worker registers again", () -> status(fe, "cu-late").equals("UP"));

        cu.close();
        assertThat(status(fe, "cu-late")).as("a graceful stop deregisters").isEqualTo("ABSENT");
    }

    @Test
    void registrationSurvivesAnOrchestratorRestartOnPostgres() {
        int port = Apps.freePort();
        String db = PostgresDatabase.recreate("connecta_rt_registry_restart");
        Map<String, Object> lease = Map.of("connecta.orchestrator.registry.lease-seconds", 3);
        orchestrator = Apps.orchestrator(port, db, lease);
        cu = Apps.cu("cu-steady", Apps.h2("steady-cu"), port, Map.of("connecta.worker.max-backoff-seconds", 1));
        Http fe = new Http("http://127.0.0.1:" + port + "/api/fe/v1");
        Await.until("the worker registers", () -> status(fe, "cu-steady").equals("UP"));

        orchestrator.close();
        orchestrator = Apps.orchestrator(port, db, lease);
        assertThat(status(fe, "cu-steady")).as("the registry row outlives the orchestrator process").isNotEqualTo("ABSENT");
        Await.until("the worker is UP on the restarted orchestrator", () -> status(fe, "cu-steady").equals("UP"));
        Http passthrough = new Http("http://127.0.0.1:" + port + "/api/fe/v1/worker-types/cu");
        assertThat(passthrough.get("/profiles").status()).as("calls reach the worker again").isEqualTo(200);
    }
}
