package io.connecta.cu.registration;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/** {@code connecta.worker.*}: how this worker introduces itself to the orchestrator, and how it stops. */
@ConfigurationProperties(prefix = "connecta.worker")
public class WorkerProperties {

    /** The orchestrator's base URL. */
    private String orchestratorUrl = "http://127.0.0.1:8080";
    /** Stable across restarts, so a restarted worker takes its own row back; default {@code <type>-<host>-<port>}. */
    private String instanceId;
    /** Where the orchestrator reaches this worker; default {@code http://127.0.0.1:<server port>}. */
    private String baseUrl;
    private String workerType = "cu";
    private String version = "0.1.0";
    /** Longest wait between two attempts while the orchestrator cannot be reached. */
    private int maxBackoffSeconds = 30;
    /**
     * A graceful stop: how long running jobs get to end and report before their CUs are killed and their jobs handed
     * back ({@code io.connecta.cu.GracefulStop}).
     */
    private Duration shutdownGrace = Duration.ofSeconds(30);

    public String getOrchestratorUrl() {
        return orchestratorUrl;
    }

    public void setOrchestratorUrl(String orchestratorUrl) {
        this.orchestratorUrl = orchestratorUrl;
    }

    public String getInstanceId() {
        return instanceId;
    }

    public void setInstanceId(String instanceId) {
        this.instanceId = instanceId;
    }

    public String getBaseUrl() {
        return baseUrl;
    }

    public void setBaseUrl(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public String getWorkerType() {
        return workerType;
    }

    public void setWorkerType(String workerType) {
        this.workerType = workerType;
    }

    public String getVersion() {
        return version;
    }

    public void setVersion(String version) {
        this.version = version;
    }

    public int getMaxBackoffSeconds() {
        return maxBackoffSeconds;
    }

    public void setMaxBackoffSeconds(int maxBackoffSeconds) {
        this.maxBackoffSeconds = maxBackoffSeconds;
    }

    public Duration getShutdownGrace() {
        return shutdownGrace;
    }

    public void setShutdownGrace(Duration shutdownGrace) {
        this.shutdownGrace = shutdownGrace;
    }
}
