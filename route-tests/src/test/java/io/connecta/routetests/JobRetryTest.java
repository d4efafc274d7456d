package io.connecta.routetests;

import com.fasterxml.jackson.databind.JsonNode;
import io.connecta.common.blob.BlobStore;
import io.connecta.common.job.JobQueues;
import io.connecta.common.test.Http;
import jakarta.jms.Message;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retries: a dispatch that fails leaves the job PENDING until the timer sends it again; infrastructure errors in the
 * worker are redelivered by the broker, then the job ends FAILED with the reason and its message is parked.
 * Faults are injected at the routes' edges with AdviceWith.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JobRetryTest {

    static JobSystem system;

    @BeforeAll
    static void start() {
        system = new JobSystem("retry", Map.of("connecta.jms.max-deliveries", 3), true);
        system.createProfile("upper", "[\"--mode\",\"upper\",\"${input}\",\"${output}\"]", 60);
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    @Test
    @Order(1)
    void jobWhoseDispatchFailedIsDispatchedLater() throws Exception {
        AtomicInteger failures = new AtomicInteger();
        AdviceWith.adviceWith(system.orchestrator.getBean(CamelContext.class), "job-dispatch", a ->
                a.weaveByToUri("activemq6:queue:*").before().process(e -> {
                    if (failures.getAndIncrement() == 0) {
                        throw new IOException("broker unreachable (injected)");
                    }
                }));
        Http.Response accepted = system.submit("upper", "later".getBytes());
        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.json().path("status").asText()).as("accepted but not yet queued").isEqualTo("PENDING");
        JsonNode done = system.awaitEnd(accepted.json().path("jobId").asText(), Duration.ofSeconds(60));
        assertThat(done.path("status").asText()).as("dispatched again by the timer: %s", done).isEqualTo("SUCCEEDED");
        assertThat(done.path("attempt").asInt()).as("the second dispatch went out").isEqualTo(2);
        assertThat(failures.get()).isEqualTo(2);
    }

    @Test
    @Order(2)
    void infrastructureErrorsAreRetriedThenTheJobFailsWithTheReason() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        AdviceWith.adviceWith(system.cu.getBean(CamelContext.class), "cu-job", a ->
                a.weaveByToUri(BlobStore.GET).replace().process(e -> {
                    attempts.incrementAndGet();
                    throw new IOException("blob store unreachable (injected)");
                }));
        String jobId = system.submit("upper", "never read".getBytes()).json().path("jobId").asText();
        JsonNode done = system.awaitEnd(jobId, Duration.ofSeconds(60));
        assertThat(done.path("status").asText()).isEqualTo("FAILED");
        assertThat(done.path("error").asText()).as("the reason says what went wrong")
                .contains("blob store unreachable").contains("gave up after 3");
        assertThat(attempts.get()).as("redelivered by the broker until the limit").isEqualTo(3);

        Message parked = system.receive(JobQueues.DEAD_LETTER, Duration.ofSeconds(10));
        assertThat(parked).as("the dispatch message is parked, not lost").isNotNull();
        assertThat(parked.getStringProperty(JobQueues.REASON_HEADER)).contains("blob store unreachable");
        assertThat(parked.getStringProperty("jobId")).isEqualTo(jobId);
    }
}
