package io.connecta.routetests;

import com.fasterxml.jackson.databind.JsonNode;
import io.connecta.common.test.Await;
import io.connecta.common.test.DevTokens;
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
        // no issuer to get a token from yet: the worker answers, and refuses the anonymous call
        assertThat(worker.get("/profiles").status()).as("the worker answers while the orchestrator is away").isEqualTo(401);

        orchestrator = Apps.orchestrator(port, Apps.h2("late-orchestrator"),
                Map.of("connecta.orchestrator.registry.lease-seconds", 3));
        DevTokens tokens = Apps.tokens(port);
        Http fe = new Http("http://127.0.0.1:" + port + "/api/fe/v1").bearer(tokens.viewer());
        Http be = new Http("http://127.0.0.1:" + port + "/api/be/v1").bearer(tokens.token(DevTokens.WORKER_CU));
        Await.until("the worker registers once the orchestrator is up", () -> status(fe, "cu-late").equals("UP"));
        assertThat(worker.bearer(tokens.admin()).get("/profiles").status()).as("the worker serves with a token")
                .isEqualTo(200);

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
        Http anonymousFe = new Http("http://127.0.0.1:" + port + "/api/fe/v1");
        Http fe = anonymousFe.bearer(Apps.tokens(port).viewer());
        Await.until("the worker registers", () -> status(fe, "cu-steady").equals("UP"));

        orchestrator.close();
        // a new var dir: the restarted dev issuer signs with a new key, so the worker's cached token is refused (401)
        // and it fetches a new one; the worker checks the orchestrator's new tokens against the new key
        orchestrator = Apps.orchestrator(port, db, lease);
        Http fe2 = anonymousFe.bearer(Apps.tokens(port).viewer());
        assertThat(status(fe2, "cu-steady")).as("the registry row outlives the orchestrator process").isNotEqualTo("ABSENT");
        Await.until("the worker is UP on the restarted orchestrator", () -> status(fe2, "cu-steady").equals("UP"));
        Http passthrough = new Http("http://127.0.0.1:" + port + "/api/fe/v1/worker-types/cu")
                .bearer(Apps.tokens(port).viewer());
        assertThat(passthrough.get("/profiles").status()).as("calls reach the worker again").isEqualTo(200);
    }
}
