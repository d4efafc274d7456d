package io.connecta.orchestrator.broker;

import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.store.kahadb.KahaDBPersistenceAdapter;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.File;

/**
 * The zero-set-up broker: ActiveMQ inside the orchestrator, persistent (KahaDB under the var dir), reachable in
 * process ({@code vm://connecta}) and on TCP for workers in other JVMs. Production sets
 * {@code connecta.broker.embedded.enabled=false} and {@code spring.activemq.broker-url} to the external broker.
 */
@Configuration
@ConditionalOnProperty(name = "connecta.broker.embedded.enabled", havingValue = "true", matchIfMissing = true)
public class EmbeddedBrokerConfiguration {

    @Bean(initMethod = "start", destroyMethod = "stop")
    BrokerService connectaBroker(@Value("${connecta.broker.embedded.data-dir}") String dataDir,
                                 @Value("${connecta.broker.embedded.tcp-url}") String tcpUrl) throws Exception {
        BrokerService broker = new BrokerService();
        broker.setBrokerName("connecta");
        broker.setPersistent(true);
        KahaDBPersistenceAdapter kahaDb = new KahaDBPersistenceAdapter();
        kahaDb.setDirectory(new File(dataDir));
        broker.setPersistenceAdapter(kahaDb);
        broker.setDataDirectoryFile(new File(dataDir));
        broker.setUseJmx(true);
        broker.getManagementContext().setCreateConnector(false);
        broker.setUseShutdownHook(false);
        broker.addConnector(tcpUrl);
        return broker;
    }
}
