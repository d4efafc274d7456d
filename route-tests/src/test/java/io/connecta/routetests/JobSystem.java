package io.connecta.routetests;

import com.fasterxml.jackson.databind.JsonNode;
import io.connecta.common.test.Await;
import io.connecta.common.test.Azurite;
import io.connecta.common.job.JobQueues;
import io.connecta.common.test.DevTokens;
import io.connecta.common.test.Http;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * An orchestrator (with its embedded, persistent ActiveMQ broker on a TCP port of its own) and a CU worker, in this
 * JVM, sharing one var dir (blob store, work dirs). {@link #cuProperties()} serve CU workers started elsewhere.
 */
final class JobSystem implements AutoCloseable {

    final Path varDir;
    final int brokerPort = Apps.freePort();
    final int orchestratorPort = Apps.freePort();
    final ConfigurableApplicationContext orchestrator;
    ConfigurableApplicationContext cu;
    /** The FE API as the dev admin (every FE operation). */
    final Http fe;
    /** Tokens from the orchestrator's dev issuer. */
    final DevTokens tokens;

    JobSystem(String name, Map<String, Object> extra, boolean withCu) {
        this(name, Apps.h2(name + "-orchestrator"), extra, withCu);
    }

    /** With the orchestrator's database at {@code orchestratorDb} (e.g. a PostgresDatabase). */
    JobSystem(String name, String orchestratorDb, Map<String, Object> extra, boolean withCu) {
        try {
            varDir = Files.createTempDirectory("connecta-" + name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> o = new HashMap<>(common());
        o.put("connecta.broker.embedded.tcp-url", "tcp://127.0.0.1:" + brokerPort);
        o.put("connecta.broker.embedded.name", "connecta-" + name);
        o.put("connecta.jobs.redispatch-period-ms", 1000);
        o.put("connecta.jobs.redispatch-after-ms", 2000);
        o.putAll(extra);
        orchestrator = Apps.orchestrator(orchestratorPort, orchestratorDb, o);
        tokens = Apps.tokens(orchestratorPort);
        fe = new Http("http://127.0.0.1:" + orchestratorPort + "/api/fe/v1").bearer(tokens.admin());
        if (withCu) {
            Map<String, Object> c = new HashMap<>(cuProperties());
            c.putAll(extra);
            cu = Apps.cu(name + "-cu", Apps.h2(name + "-cu"), orchestratorPort, c);
            awaitWorker();
        }
    }

    /** The properties that make both apps use Azure Blob Storage (an Azurite) at {@code endpoint}, in {@code container}. */
    static Map<String, Object> azureBlobStore(String endpoint, String container) {
        return Map.of("connecta.blob.store", "azure",
                "connecta.blob.azure.endpoint", endpoint,
                "connecta.blob.azure.account-name", Azurite.ACCOUNT_NAME,
                "connecta.blob.azure.access-key", Azurite.ACCOUNT_KEY,
                "connecta.blob.azure.container", container);
    }

    Map<String, Object> common() {
        return Map.of("connecta.var-dir", varDir.toString(), "connecta.jms.redelivery.initial-delay-ms", 200,
                "connecta.jms.redelivery.max-delay-ms", 1000);
    }

    Map<String, Object> cuProperties() {
        Map<String, Object> c = new HashMap<>(common());
        c.put("spring.activemq.broker-url", "tcp://127.0.0.1:" + brokerPort);
        c.put("connecta.worker.orchestrator-url", "http://127.0.0.1:" + orchestratorPort);
        return c;
    }

    void awaitWorker() {
        Await.until("a CU worker is registered and UP", () -> fe.get("/workers").body().contains("\"status\":\"UP\""));
    }

    void createProfile(String id, String argsJson, int timeoutSeconds) {
        Http cuApi = new Http(fe.request("").build().uri().toString().replace("/api/fe/v1", "/api/fe/v1/worker-types/cu"))
                .bearer(tokens.admin());
        Http.Response r = cuApi.postJson("/profiles", "{\"id\":\"" + id + "\",\"name\":\"" + id + "\",\"executable\":\"sample-cu\","
                + "\"args\":" + argsJson + ",\"output\":\"out.dat\",\"timeoutSeconds\":" + timeoutSeconds + "}");
        if (r.status() != 201) {
            throw new AssertionError("profile " + id + " not created: " + r);
        }
    }

    Http.Response submit(String profileId, byte[] input) {
        return fe.send(fe.request("/jobs?workerType=cu&profileId=" + profileId + "&filename=input.txt")
                .header("Content-Type", "application/octet-stream")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(input)));
    }

    JsonNode job(String jobId) {
        return fe.get("/jobs/" + jobId).json();
    }

    JsonNode awaitEnd(String jobId, Duration timeout) {
        Await.until("job " + jobId + " ends", timeout, () -> {
            String s = job(jobId).path("status").asText();
            return s.equals("SUCCEEDED") || s.equals("FAILED") || s.equals("CANCELLED");
        });
        return job(jobId);
    }

    int jobRows() {
        return orchestrator.getBean(JdbcTemplate.class).queryForObject("SELECT COUNT(*) FROM job", Integer.class);
    }

    /** The dev profile's broker users (orchestrator-dev.yml): user name → password. */
    static final Map<String, String> BROKER_USERS = Map.of("orchestrator", "connecta-dev-orchestrator",
            "worker-cu", "connecta-dev-worker-cu", "producer", "connecta-dev-producer");

    /**
     * A plain JMS client on the broker's TCP port, as another system would use it, logged in as {@code user} (one of
     * {@link #BROKER_USERS}).
     */
    Connection jms(String user) throws JMSException {
        Connection c = new ActiveMQConnectionFactory(user, BROKER_USERS.get(user), "tcp://127.0.0.1:" + brokerPort)
                .createConnection();
        c.start();
        return c;
    }

    /** Who uses a queue: producers submit and read their replies, workers send results, operators read the rest. */
    static String userOf(String queue) {
        if (queue.equals(JobQueues.SUBMIT) || queue.startsWith("connecta.replies.")) {
            return "producer";
        }
        return queue.equals(JobQueues.RESULTS) ? "worker-cu" : "orchestrator";
    }

    void send(String queue, String body, String replyTo) throws JMSException {
        try (Connection c = jms(userOf(queue)); Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            MessageProducer p = s.createProducer(s.createQueue(queue));
            TextMessage m = s.createTextMessage(body);
            if (replyTo != null) {
                m.setJMSReplyTo(s.createQueue(replyTo));
            }
            p.send(m);
        }
    }

    Message receive(String queue, Duration timeout) throws JMSException {
        try (Connection c = jms(userOf(queue)); Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            MessageConsumer consumer = s.createConsumer(s.createQueue(queue));
            return consumer.receive(timeout.toMillis());
        }
    }

    @Override
    public void close() {
        if (cu != null && cu.isActive()) {
            cu.close();
        }
        if (orchestrator.isActive()) {
            orchestrator.close();
        }
    }
}
