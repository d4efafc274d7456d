package io.connecta.orchestrator.broker;

import io.connecta.orchestrator.OrchestratorApplication;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.broker.BrokerService;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The embedded broker as an outsider meets it on its TCP port: no user, a wrong password, and each user outside its
 * own destinations are refused; the broker stamps the authenticated user on every message (JMSXUserID), whatever the
 * sender wrote there. Users: orchestrator-test.yml.
 */
@CamelSpringBootTest
@ActiveProfiles({"dev", "test"})
@SpringBootTest(classes = OrchestratorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=orchestrator", "connecta.var-dir=orchestrator-routes/target/broker-security-test-var"})
class EmbeddedBrokerSecurityTest {

    @Autowired
    BrokerService broker;

    @Test
    void aConnectionWithoutUserIsRefused() throws Exception {
        assertThat(refused(null, null)).as("an anonymous connection").isInstanceOf(JMSSecurityException.class);
    }

    @Test
    void aWrongPasswordIsRefused() throws Exception {
        assertThat(refused("producer", "guess")).as("the producer with a wrong password")
                .isInstanceOf(JMSSecurityException.class);
        assertThat(refused("nobody", "producer-test")).as("an unknown user").isInstanceOf(JMSSecurityException.class);
    }

    @Test
    void theProducerMaySubmitButNotTakeJobsNorSendResults() throws Exception {
        try (Connection c = connect("producer", "producer-test")) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            s.createProducer(s.createQueue("connecta.jobs.submit")).close();
            assertThatThrownBy(() -> s.createConsumer(s.createQueue("connecta.jobs.cu")))
                    .as("the producer takes dispatch messages").isInstanceOf(JMSSecurityException.class);
            assertThatThrownBy(() -> s.createProducer(s.createQueue("connecta.jobs.results")))
                    .as("the producer sends results").isInstanceOf(JMSSecurityException.class);
            assertThatThrownBy(() -> s.createConsumer(s.createQueue("connecta.jobs.submit")))
                    .as("the producer reads other producers' submissions").isInstanceOf(JMSSecurityException.class);
            assertThatThrownBy(() -> s.createConsumer(s.createQueue("connecta.jobs.invalid")))
                    .as("the producer reads the invalid queue").isInstanceOf(JMSSecurityException.class);
        }
    }

    @Test
    void theProducerGetsItsReplyOnATemporaryOrItsOwnNamedQueue() throws Exception {
        try (Connection c = connect("producer", "producer-test")) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            s.createConsumer(s.createTemporaryQueue()).close();
            s.createConsumer(s.createQueue("connecta.replies.test-" + UUID.randomUUID())).close();
        }
    }

    @Test
    void theCuWorkerMayTakeItsJobsAndSendResultsButNotSubmitNorReadResults() throws Exception {
        try (Connection c = connect("worker-cu", "worker-cu-test")) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            s.createConsumer(s.createQueue("connecta.jobs.cu")).close();
            s.createProducer(s.createQueue("connecta.jobs.results")).close();
            s.createProducer(s.createQueue("connecta.jobs.dlq")).close();
            assertThatThrownBy(() -> s.createProducer(s.createQueue("connecta.jobs.submit")))
                    .as("the worker submits jobs").isInstanceOf(JMSSecurityException.class);
            assertThatThrownBy(() -> s.createConsumer(s.createQueue("connecta.jobs.results")))
                    .as("the worker reads results").isInstanceOf(JMSSecurityException.class);
            assertThatThrownBy(() -> s.createProducer(s.createQueue("connecta.jobs.cu")))
                    .as("the worker dispatches jobs").isInstanceOf(JMSSecurityException.class);
            assertThatThrownBy(() -> s.createConsumer(s.createQueue("connecta.jobs.other")))
                    .as("the CU worker takes another worker type's jobs").isInstanceOf(JMSSecurityException.class);
        }
    }

    @Test
    void theBrokerStampsTheAuthenticatedUserOnEveryMessage() throws Exception {
        String queue = "connecta.test.user-id-" + UUID.randomUUID();
        try (Connection c = connect("orchestrator", "orchestrator-test")) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Message forged = s.createTextMessage("hi");
            forged.setStringProperty("JMSXUserID", "worker-cu");
            s.createProducer(s.createQueue(queue)).send(forged);
            MessageConsumer consumer = s.createConsumer(s.createQueue(queue));
            Message received = consumer.receive(10_000);
            assertThat(received).as("the message").isNotNull();
            assertThat(received.getStringProperty("JMSXUserID")).as("the sender as the broker knows it")
                    .isEqualTo("orchestrator");
        }
    }

    /** A started connection to the broker's TCP port (ActiveMQ authenticates when the connection starts). */
    /**
     * The broker's refusal of a connection as {@code user}. The refusal can reach the client after the broker has
     * already closed the socket, and the client then reports only "Disposed due to prior exception": such a connect is
     * tried again (three tries in all). Fails if a connection is accepted or no try shows the refusal.
     */
    JMSSecurityException refused(String user, String password) throws Exception {
        JMSException last = null;
        for (int i = 0; i < 3; i++) {
            try {
                connect(user, password).close();
                throw new AssertionError("the broker accepted a connection as " + user);
            } catch (JMSSecurityException e) {
                return e;
            } catch (JMSException e) {
                last = e;
            }
        }
        throw new AssertionError("no try showed the broker's refusal of " + user, last);
    }

    Connection connect(String user, String password) throws Exception {
        String url = broker.getTransportConnectors().get(0).getPublishableConnectString();
        Connection c = new ActiveMQConnectionFactory(user, password, url).createConnection();
        try {
            c.start();
            return c;
        } catch (JMSException | RuntimeException e) {
            c.close();
            throw e;
        }
    }
}
