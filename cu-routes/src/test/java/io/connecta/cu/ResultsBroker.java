package io.connecta.cu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connecta.common.job.JobQueues;
import jakarta.jms.Connection;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.broker.BrokerService;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test's own in-VM ActiveMQ broker (not persistent, no JMX) that keeps every message a worker sends to
 * {@code connecta.jobs.results}, parsed as JSON, in the order they arrive. The worker under test connects to
 * {@link #url()}; the test sends and browses with {@link #connection()} (started).
 */
public final class ResultsBroker implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final BrokerService broker;
    private final Connection connection;
    private final List<JsonNode> reports = new CopyOnWriteArrayList<>();

    private ResultsBroker(String name) throws Exception {
        this.name = name;
        broker = new BrokerService();
        broker.setBrokerName(name);
        broker.setPersistent(false);
        broker.setUseJmx(false);
        broker.setUseShutdownHook(false);
        broker.start();
        connection = new ActiveMQConnectionFactory(url()).createConnection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        session.createConsumer(session.createQueue(JobQueues.RESULTS)).setMessageListener(m -> {
            try {
                reports.add(JSON.readTree(((TextMessage) m).getText()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        connection.start();
    }

    /** Starts a broker named {@code name} (unique per test class: the VM transport finds brokers by name). */
    public static ResultsBroker start(String name) throws Exception {
        return new ResultsBroker(name);
    }

    /** The worker's {@code spring.activemq.broker-url}: this broker in the VM, never a new one. */
    public String url() {
        return urlOf(name);
    }

    /** {@link #url()} of the broker named {@code name}, for properties resolved before it starts. */
    public static String urlOf(String name) {
        return "vm://" + name + "?create=false";
    }

    /** A started connection of the test's own. */
    public Connection connection() {
        return connection;
    }

    /** Every result received so far (a live, thread-safe list). */
    public List<JsonNode> reports() {
        return reports;
    }

    @Override
    public void close() throws Exception {
        connection.close();
        broker.stop();
    }
}
