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
