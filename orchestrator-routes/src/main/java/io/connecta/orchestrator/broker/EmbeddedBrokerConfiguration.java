package io.connecta.orchestrator.broker;

import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.store.kahadb.KahaDBPersistenceAdapter;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.jms.activemq.ActiveMQConnectionFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.File;

/**
 * The zero-set-up broker: ActiveMQ inside the orchestrator, persistent (KahaDB under the var dir), reachable in
 * process ({@code vm://<name>}) and on TCP for workers in other JVMs. Production sets
 * {@code connecta.broker.embedded.enabled=false} and {@code spring.activemq.broker-url} to the external broker.
 */
@Configuration
@ConditionalOnProperty(name = "connecta.broker.embedded.enabled", havingValue = "true", matchIfMissing = true)
public class EmbeddedBrokerConfiguration {

    /** Brokers in one JVM are found by name: tests that run several orchestrators give each its own. */
    private final String name;

    public EmbeddedBrokerConfiguration(@Value("${connecta.broker.embedded.name:connecta}") String name) {
        this.name = name;
    }

    @Bean(initMethod = "start", destroyMethod = "stop")
    BrokerService connectaBroker(@Value("${connecta.broker.embedded.data-dir}") String dataDir,
                                 @Value("${connecta.broker.embedded.tcp-url}") String tcpUrl,
                                 @Value("${connecta.broker.embedded.persistent:true}") boolean persistent) throws Exception {
        BrokerService broker = new BrokerService();
        broker.setBrokerName(name);
        // only tests that run several orchestrators in one JVM switch persistence off
        broker.setPersistent(persistent);
        if (persistent) {
            KahaDBPersistenceAdapter kahaDb = new KahaDBPersistenceAdapter();
            kahaDb.setDirectory(new File(dataDir));
            broker.setPersistenceAdapter(kahaDb);
        }
        broker.setDataDirectoryFile(new File(dataDir));
        broker.setUseJmx(true);
        broker.getManagementContext().setCreateConnector(false);
        broker.setUseShutdownHook(false);
        broker.addConnector(tcpUrl);
        return broker;
    }

    /** The orchestrator's own connection goes to its embedded broker in process. */
    @Bean
    ActiveMQConnectionFactoryCustomizer embeddedBrokerConnection() {
        return factory -> factory.setBrokerURL("vm://" + name + "?create=false");
    }
}
