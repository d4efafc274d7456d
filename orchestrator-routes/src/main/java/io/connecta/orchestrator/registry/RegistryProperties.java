package io.connecta.orchestrator.registry;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.List;

/** {@code connecta.orchestrator.registry.*} */
@ConfigurationProperties(prefix = "connecta.orchestrator.registry")
public class RegistryProperties {

    /** A worker that has not heartbeaten for this long is shown DOWN and gets no calls. */
    private int leaseSeconds = 30;

    /** Worker types the orchestrator knows even while none is registered (they answer 503, not 404). */
    private List<String> workerTypes = List.of("cu");

    /**
     * Where workers may live: the hosts a registered baseUrl may name. Entries are networks in CIDR notation
     * ({@code 10.1.0.0/16}, {@code fd00::/8}), single addresses, or host names (matched as written, case-insensitively;
     * a name is never resolved to check it against a network). Empty: no registration is accepted. The dev set-up
     * allows the loopback only.
     */
    private List<String> allowedHosts = List.of();

    public List<String> getAllowedHosts() {
        return allowedHosts;
    }

    public void setAllowedHosts(List<String> allowedHosts) {
        this.allowedHosts = allowedHosts;
    }

    public int getLeaseSeconds() {
        return leaseSeconds;
    }

    public void setLeaseSeconds(int leaseSeconds) {
        this.leaseSeconds = leaseSeconds;
    }

    public List<String> getWorkerTypes() {
        return workerTypes;
    }

    public void setWorkerTypes(List<String> workerTypes) {
        this.workerTypes = workerTypes;
    }
}
