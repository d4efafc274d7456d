package io.connecta.routetests;

import com.fasterxml.jackson.databind.JsonNode;
import io.connecta.common.test.Await;
import io.connecta.common.test.Azurite;
import io.connecta.common.test.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, fault 8: with the Azure blob store (an Azurite of this test's own) stopped, the orchestrator's readiness
 * says DOWN and a submission is answered 503 within seconds, with a problem+json that says the blob store is away;
 * once it is back, readiness is UP and submissions are accepted again.
 */
class BlobStoreOutageTest {

    static Azurite.Own azurite;
    static JobSystem system;
    static Http orchestrator;

    @BeforeAll
    static void start() {
        azurite = Azurite.own();
        system = new JobSystem("blob-outage", JobSystem.azureBlobStore(azurite.endpoint(), "connecta-outage"), false);
        orchestrator = new Http("http://127.0.0.1:" + system.orchestratorPort);
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
        azurite.close();
    }

    @Test
    void readinessAndSubmissionsFollowTheAzureBlobStore() {
        Await.until("readiness reports the blob store UP", Duration.ofSeconds(30), () -> blobStore().equals("UP"));
        assertThat(orchestrator.get("/actuator/health/readiness").status()).isEqualTo(200);

        azurite.stop();
        Await.until("readiness reports the blob store DOWN", Duration.ofSeconds(30), () -> blobStore().equals("DOWN"));
        assertThat(orchestrator.get("/actuator/health/readiness").status()).as("not ready without its blob store")
                .isEqualTo(503);

        int jobsBefore = system.jobRows();
        long started = System.nanoTime();
        Http.Response refused = system.submit("upper", "while the store is away".getBytes());
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(refused.status()).as("submission without a blob store: %s", refused).isEqualTo(503);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        assertThat(refused.json().path("detail").asText()).as("the answer says why")
                .contains("blob store is unavailable");
        assertThat(took).as("fails fast, not after the storage client's retries (~30 s)").isLessThan(Duration.ofSeconds(5));
        assertThat(system.jobRows()).as("no job recorded for a refused submission").isEqualTo(jobsBefore);

        azurite.start();
        Await.until("readiness reports the blob store UP again", Duration.ofSeconds(30), () -> blobStore().equals("UP"));
        assertThat(orchestrator.get("/actuator/health/readiness").status()).isEqualTo(200);
        Await.until("submissions are accepted again", Duration.ofSeconds(10),
                () -> system.submit("upper", "store is back".getBytes()).status() == 202);
    }

    /** The blobStore component of the orchestrator's readiness group. */
    static String blobStore() {
        JsonNode health = orchestrator.get("/actuator/health/readiness").json();
        return health.path("components").path("blobStore").path("status").asText("ABSENT");
    }
}
