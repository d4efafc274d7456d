package io.connecta.cu.jobs;

import io.connecta.cu.ResultsBroker;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connecta.common.blob.BlobStore;
import io.connecta.common.job.JobQueues;
import io.connecta.common.problem.ApiProblemException;
import io.connecta.common.test.Await;
import io.connecta.common.test.Http;
import io.connecta.common.test.TestIssuer;
import io.connecta.cu.CuWorkerApplication;
import io.connecta.cu.registration.WorkerIdentity;
import jakarta.jms.Connection;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job consumer ({@link CuJobRoutes}) with the real sample CU, the local blob store, H2 and a broker of the test's
 * own; faults injected at the blob store's edge with AdviceWith.
 */
@CamelSpringBootTest
@ActiveProfiles({"dev", "test"})
@SpringBootTest(classes = CuWorkerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.config.name=" + CuWorkerApplication.CONFIG_NAME,
        "spring.datasource.url=jdbc:h2:mem:cu-job-test;DB_CLOSE_DELAY=-1",
        "connecta.worker.instance-id=cu-job-test",
        "connecta.cu.dropin.enabled=false",
        // quick redeliveries, as many as by default
        "connecta.jms.redelivery.initial-delay-ms=100",
        "connecta.jms.redelivery.max-delay-ms=200"})
class CuJobRoutesTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String BROKER = "cu-job-test";
    static final Duration END = Duration.ofSeconds(30);
    static final TestIssuer ISSUER = TestIssuer.start();

    static ResultsBroker broker;
    static Path varDir;
    static Connection connection;
    static List<JsonNode> reports;

    @LocalServerPort
    int port;

    @Autowired
    CamelContext camel;

    @Autowired
    ProducerTemplate producer;

    @Autowired
    WorkerIdentity identity;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("connecta.var-dir", () -> varDir.toString());
        registry.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", ISSUER::jwkSetUri);
        registry.add("spring.activemq.broker-url", () -> ResultsBroker.urlOf(BROKER));
    }

    @BeforeAll
    static void startBroker() throws Exception {
        varDir = Files.createTempDirectory("connecta-cu-job-test");
        Files.setPosixFilePermissions(varDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        broker = ResultsBroker.start(BROKER);
        connection = broker.connection();
        reports = broker.reports();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
        ISSUER.close();
    }

    /**
     * Issue 12: a blob store that is away (connection refused, or a service answering "unavailable") during a job is
     * the infrastructure's trouble: the delivery rolls back and comes again, and the job resumes once the store is
     * back, its attempt counting every run. Never FAILED for it.
     */
    @Test
    void blobStoreAwayIsRetriedAndTheJobResumesWhenItIsBack() throws Exception {
        createProfile("upper", "--mode", "upper", "${input}", "${output}");
        String jobId = UUID.randomUUID().toString();
        String inputBlob = "jobs/" + jobId + "/input";
        producer.sendBodyAndHeader(BlobStore.PUT, "hello again".getBytes(StandardCharsets.UTF_8), BlobStore.BLOB_ID,
                inputBlob);
        AtomicInteger reads = new AtomicInteger();
        AdviceWith.adviceWith(camel, "blob-get", a -> a.weaveAddFirst().process(e -> {
            switch (reads.incrementAndGet()) {
                case 1 -> refusedConnection();
                case 2 -> throw new ApiProblemException(503, "the blob store is unavailable (azure: DOWN); try again"
                        + " later");
                default -> {
                    // the store is back
                }
            }
        }));

        dispatch(jobId, "upper", inputBlob);

        Await.until("job " + jobId + " ends", END, () -> statuses(jobId).contains("SUCCEEDED")
                || statuses(jobId).contains("FAILED"));
        assertThat(statuses(jobId)).as("RUNNING at each delivery, then SUCCEEDED; never FAILED")
                .containsExactly("RUNNING", "RUNNING", "RUNNING", "SUCCEEDED");
        List<JsonNode> job = reports.stream().filter(r -> r.path("jobId").asText().equals(jobId)).toList();
        assertThat(job).extracting(r -> r.path("attempt").asInt()).as("every delivery counts as a run")
                .containsExactly(1, 2, 3, 3);
        assertThat(job).extracting(r -> r.path("workerIncarnation").asText()).as("this worker's incarnation")
                .containsOnly(identity.incarnation());
        Object output = producer.requestBodyAndHeader(BlobStore.GET, null, BlobStore.BLOB_ID,
                job.get(3).path("resultBlobId").asText());
        assertThat(camel.getTypeConverter().convertTo(String.class, output)).isEqualTo("HELLO AGAIN");
        assertThat(reads.get()).isEqualTo(4);
    }

    /** A store away for longer than the deliveries last: the job ends FAILED with the reason, its dispatch parked. */
    @Test
    void blobStoreAwayForEveryDeliveryEndsTheJobFailedWithTheReason() throws Exception {
        createProfile("upper", "--mode", "upper", "${input}", "${output}");
        String jobId = UUID.randomUUID().toString();
        String inputBlob = "jobs/" + jobId + "/input";
        AdviceWith.adviceWith(camel, "blob-get", a -> a.weaveAddFirst().process(e -> {
            if (inputBlob.equals(e.getMessage().getHeader(BlobStore.BLOB_ID))) {
                refusedConnection();
            }
        }));

        dispatch(jobId, "upper", inputBlob);

        Await.until("job " + jobId + " ends", END, () -> statuses(jobId).contains("FAILED"));
        JsonNode failed = reports.stream().filter(r -> r.path("jobId").asText().equals(jobId)
                && r.path("status").asText().equals("FAILED")).findFirst().orElseThrow();
        assertThat(failed.path("error").asText()).as("the reason says what went wrong, and how often")
                .contains("gave up after 10 attempts").contains("Connection refused");
        assertThat(failed.path("attempt").asInt()).isEqualTo(10);
        assertThat(statuses(jobId)).as("RUNNING at each of the 10 deliveries").filteredOn("RUNNING"::equals)
                .hasSize(10);
    }

    /** A dispatch whose input blob does not exist cannot run: FAILED at once, not retried. */
    @Test
    void missingInputBlobFailsTheJobAtOnce() throws Exception {
        createProfile("upper", "--mode", "upper", "${input}", "${output}");
        String jobId = UUID.randomUUID().toString();

        dispatch(jobId, "upper", "jobs/" + jobId + "/input");

        Await.until("job " + jobId + " ends", END, () -> statuses(jobId).contains("FAILED"));
        assertThat(statuses(jobId)).as("one delivery, no retry").containsExactly("RUNNING", "FAILED");
    }

    /** A real "connection refused": a connect to a port nobody listens on. */
    private static void refusedConnection() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        try (Socket socket = new Socket("127.0.0.1", closed)) {
            throw new IllegalStateException("port " + closed + " answered; the test needs a refused connection");
        } catch (ConnectException refused) {
            throw refused;
        }
    }

    private static void dispatch(String jobId, String profileId, String blobId) throws Exception {
        try (Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            TextMessage message = session.createTextMessage(JSON.writeValueAsString(Map.of("jobId", jobId,
                    "profileId", profileId, "blobId", blobId, "attempt", 1)));
            // as the orchestrator sends it
            message.setStringProperty("jobId", jobId);
            session.createProducer(session.createQueue(JobQueues.dispatch("cu"))).send(message);
        }
    }

    private static List<String> statuses(String jobId) {
        return reports.stream().filter(r -> r.path("jobId").asText().equals(jobId))
                .map(r -> r.path("status").asText()).toList();
    }

    private void createProfile(String id, String... args) throws Exception {
        if (new Http("http://127.0.0.1:" + port + "/api/v1").bearer(ISSUER.tokens().admin()).get("/profiles/" + id)
                .status() == 200) {
            return;
        }
        Http.Response r = new Http("http://127.0.0.1:" + port + "/api/v1").bearer(ISSUER.tokens().admin())
                .postJson("/profiles", JSON.writeValueAsString(Map.of("id", id, "name", id, "executable", "sample-cu",
                        "args", List.of(args), "output", "out.dat", "timeoutSeconds", 60)));
        assertThat(r.status()).as("profile %s created: %s", id, r).isEqualTo(201);
    }
}
