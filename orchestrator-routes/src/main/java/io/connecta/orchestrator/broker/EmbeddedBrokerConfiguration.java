package io.connecta.orchestrator.broker;

import io.connecta.common.job.JobQueues;
import io.connecta.orchestrator.registry.RegistryProperties;
import org.apache.activemq.broker.BrokerPlugin;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.filter.DestinationMapEntry;
import org.apache.activemq.security.AuthenticationUser;
import org.apache.activemq.security.AuthorizationEntry;
import org.apache.activemq.security.AuthorizationPlugin;
import org.apache.activemq.security.DefaultAuthorizationMap;
import org.apache.activemq.security.SimpleAuthenticationPlugin;
import org.apache.activemq.security.TempDestinationAuthorizationEntry;
import org.apache.activemq.store.kahadb.KahaDBPersistenceAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.jms.activemq.ActiveMQConnectionFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The zero-set-up broker: ActiveMQ inside the orchestrator, persistent (KahaDB under the var dir), reachable in
 * process ({@code vm://<name>}) and on TCP for workers in other JVMs. Production sets
 * {@code connecta.broker.embedded.enabled=false} and {@code spring.activemq.broker-url} to the external broker.
 * <p>
 * Nobody connects without a user of {@code connecta.broker.users} (ActiveMQ's simple authentication plugin, anonymous
 * access off), and each group reaches only its own destinations (the authorization plugin, see
 * {@link #authorizationMap}). The broker stamps the authenticated user on every message ({@code JMSXUserID}), so the
 * orchestrator knows who sent a result. Without users the broker does not start.
 */
@Configuration
@ConditionalOnProperty(name = "connecta.broker.embedded.enabled", havingValue = "true", matchIfMissing = true)
public class EmbeddedBrokerConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBrokerConfiguration.class);
    /** Queues (and topics) a producer names as JMSReplyTo; temporary destinations are fine too. */
    public static final String REPLIES = "connecta.replies.>";

    /** Brokers in one JVM are found by name: tests that run several orchestrators give each its own. */
    private final String name;

    public EmbeddedBrokerConfiguration(@Value("${connecta.broker.embedded.name:connecta}") String name) {
        this.name = name;
    }

    @Bean(initMethod = "start", destroyMethod = "stop")
    BrokerService connectaBroker(@Value("${connecta.broker.embedded.data-dir}") String dataDir,
                                 @Value("${connecta.broker.embedded.tcp-url}") String tcpUrl,
                                 @Value("${connecta.broker.embedded.persistent:true}") boolean persistent,
                                 @Value("${spring.activemq.user:}") String ownUser,
                                 BrokerUsers users, RegistryProperties registry, Environment env) throws Exception {
        checkUsers(users, ownUser);
        if (env.acceptsProfiles(Profiles.of("dev"))) {
            LOG.warn("*** SECURITY: the embedded broker's users have the development passwords of the dev profile"
                    + " (orchestrator-dev.yml). Outside the dev set-up set connecta.broker.users and"
                    + " spring.activemq.user/password.");
        }
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

        List<AuthenticationUser> known = users.getUsers().stream()
                .map(u -> new AuthenticationUser(u.getName(), u.getPassword(), String.join(",", u.getGroups())))
                .toList();
        SimpleAuthenticationPlugin authentication = new SimpleAuthenticationPlugin(known);
        authentication.setAnonymousAccessAllowed(false);
        broker.setPlugins(new BrokerPlugin[] {authentication,
                new AuthorizationPlugin(authorizationMap(users, registry.getWorkerTypes()))});
        // the authenticated user, whatever the sender put in JMSXUserID
        broker.setPopulateJMSXUserID(true);
        broker.setUseAuthenticatedPrincipalForJMSXUserID(true);

        broker.addConnector(tcpUrl);
        LOG.info("Embedded broker {}: users {}", name, users.getUsers());
        return broker;
    }

    /**
     * Who may do what, by group (ActiveMQ adds up every entry that matches a destination):
     * <ul>
     * <li>{@code orchestrators}: every {@code connecta.>} queue and topic, temporary destinations (the replies);</li>
     * <li>{@code workers-<type>}: take from {@code connecta.jobs.<type>}, send to {@code connecta.jobs.results} and
     * {@code connecta.jobs.dlq};</li>
     * <li>{@code producers}: send to {@code connecta.jobs.submit}, their replies on temporary destinations or
     * {@code connecta.replies.>};</li>
     * <li>everyone: the advisory topics the ActiveMQ client reads.</li>
     * </ul>
     */
    static DefaultAuthorizationMap authorizationMap(BrokerUsers users, List<String> workerTypes) throws Exception {
        String orchestrators = BrokerUsers.ORCHESTRATORS;
        String producers = BrokerUsers.PRODUCERS;
        Set<String> workerGroups = new TreeSet<>();
        workerTypes.forEach(t -> workerGroups.add(BrokerUsers.workers(t)));
        String workers = String.join(",", workerGroups);
        Set<String> all = new TreeSet<>(users.allGroups());
        all.addAll(List.of(orchestrators, producers));
        all.addAll(workerGroups);
        String everyone = String.join(",", all);

        List<DestinationMapEntry> entries = new ArrayList<>();
        entries.add(queue("connecta.>", orchestrators, orchestrators, orchestrators));
        entries.add(topic("connecta.>", orchestrators, orchestrators, orchestrators));
        entries.add(queue(JobQueues.SUBMIT, orchestrators, producers, producers));
        entries.add(queue(REPLIES, producers, producers, producers));
        entries.add(topic(REPLIES, producers, producers, producers));
        for (String type : workerTypes) {
            String group = BrokerUsers.workers(type);
            entries.add(queue(JobQueues.dispatch(type), group, orchestrators, group));
        }
        entries.add(queue(JobQueues.RESULTS, orchestrators, workers, workers));
        entries.add(queue(JobQueues.DEAD_LETTER, orchestrators, workers, workers));
        entries.add(topic("ActiveMQ.Advisory.>", everyone, everyone, everyone));

        DefaultAuthorizationMap map = new DefaultAuthorizationMap(entries);
        TempDestinationAuthorizationEntry temp = new TempDestinationAuthorizationEntry();
        String tempGroups = orchestrators + "," + producers;
        temp.setRead(tempGroups);
        temp.setWrite(tempGroups);
        temp.setAdmin(tempGroups);
        map.setTempDestinationAuthorizationEntry(temp);
        return map;
    }

    private static AuthorizationEntry queue(String name, String read, String write, String admin) throws Exception {
        AuthorizationEntry entry = entry(read, write, admin);
        entry.setQueue(name);
        return entry;
    }

    private static AuthorizationEntry topic(String name, String read, String write, String admin) throws Exception {
        AuthorizationEntry entry = entry(read, write, admin);
        entry.setTopic(name);
        return entry;
    }

    private static AuthorizationEntry entry(String read, String write, String admin) throws Exception {
        AuthorizationEntry entry = new AuthorizationEntry();
        entry.setRead(read);
        entry.setWrite(write);
        entry.setAdmin(admin);
        return entry;
    }

    /** Fail fast: no users, a user without password or group, or an orchestrator that is none of them. */
    private static void checkUsers(BrokerUsers users, String ownUser) {
        if (users.getUsers().isEmpty()) {
            throw new IllegalStateException("The embedded broker has no users: set connecta.broker.users (name,"
                    + " password, groups: orchestrators, workers-<type>, producers) and spring.activemq.user/password"
                    + " for the orchestrator's own connection (the dev profile has development users)");
        }
        for (int i = 0; i < users.getUsers().size(); i++) {
            BrokerUsers.User u = users.getUsers().get(i);
            if (u.getName() == null || u.getName().isBlank() || u.getPassword() == null || u.getPassword().isBlank()
                    || u.getGroups().isEmpty()) {
                throw new IllegalStateException("connecta.broker.users[" + i + "] needs a name, a password and at"
                        + " least one group");
            }
        }
        if (!users.groupsOf(ownUser).contains(BrokerUsers.ORCHESTRATORS)) {
            throw new IllegalStateException("spring.activemq.user ('" + ownUser + "') must be one of"
                    + " connecta.broker.users in group " + BrokerUsers.ORCHESTRATORS
                    + ": the orchestrator connects to its embedded broker with it");
        }
    }

    /** The orchestrator's own connection goes to its embedded broker in process. */
    @Bean
    ActiveMQConnectionFactoryCustomizer embeddedBrokerConnection() {
        return factory -> factory.setBrokerURL("vm://" + name + "?create=false");
    }
}
