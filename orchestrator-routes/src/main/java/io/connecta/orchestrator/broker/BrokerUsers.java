package io.connecta.orchestrator.broker;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code connecta.broker.users}: who may connect to the broker, and in which groups. The embedded broker
 * authenticates against this list; the orchestrator also reads it to know which broker users are workers of which
 * type (group {@code workers-<type>}) when it accepts a result, so with an external broker list the users there too
 * (the password may then be left out).
 */
@ConfigurationProperties(prefix = "connecta.broker")
public class BrokerUsers {

    /** The group of the orchestrator's own user: every {@code connecta.>} destination. */
    public static final String ORCHESTRATORS = "orchestrators";
    /** Systems that submit jobs over JMS: {@code connecta.jobs.submit} and their replies. */
    public static final String PRODUCERS = "producers";
    private static final String WORKERS = "workers-";

    private List<User> users = new ArrayList<>();

    /** The group of the workers of one type, e.g. {@code workers-cu}. */
    public static String workers(String workerType) {
        return WORKERS + workerType;
    }

    public List<User> getUsers() {
        return users;
    }

    public void setUsers(List<User> users) {
        this.users = users;
    }

    /** The groups of a broker user; empty for an unknown one. */
    public Set<String> groupsOf(String name) {
        Set<String> groups = new TreeSet<>();
        users.stream().filter(u -> u.getName() != null && u.getName().equals(name))
                .forEach(u -> groups.addAll(u.getGroups()));
        return groups;
    }

    /** Every group some user is in. */
    public Set<String> allGroups() {
        Set<String> groups = new TreeSet<>();
        users.forEach(u -> groups.addAll(u.getGroups()));
        return groups;
    }

    public static class User {

        private String name;
        private String password;
        private List<String> groups = new ArrayList<>();

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }

        public List<String> getGroups() {
            return groups;
        }

        public void setGroups(List<String> groups) {
            this.groups = groups;
        }

        @Override
        public String toString() {
            // never the password
            return name + " " + groups;
        }
    }
}
