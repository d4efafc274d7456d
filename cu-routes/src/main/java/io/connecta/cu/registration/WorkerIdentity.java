package io.connecta.cu.registration;

import io.connecta.common.worker.WorkerRegistration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.UUID;

/**
 * This worker instance's registration, resolved once the web server knows its port, and its incarnation: a new UUID at
 * each start of the worker, so the orchestrator tells a restarted worker (same instance id) from the one that ran a
 * job before.
 */
@Component
@EnableConfigurationProperties(WorkerProperties.class)
public class WorkerIdentity {

    private final WorkerProperties properties;
    private final Environment environment;
    private final String incarnation = UUID.randomUUID().toString();
    private volatile WorkerRegistration registration;

    public WorkerIdentity(WorkerProperties properties, Environment environment) {
        this.properties = properties;
        this.environment = environment;
    }

    public WorkerRegistration registration() {
        if (registration == null) {
            String port = environment.getProperty("local.server.port", environment.getProperty("server.port", "8081"));
            String instanceId = properties.getInstanceId() != null ? properties.getInstanceId()
                    : properties.getWorkerType() + "-" + hostName() + "-" + port;
            String baseUrl = properties.getBaseUrl() != null ? properties.getBaseUrl() : "http://127.0.0.1:" + port;
            registration = new WorkerRegistration(instanceId, properties.getWorkerType(), baseUrl,
                    properties.getVersion(), incarnation);
        }
        return registration;
    }

    public String instanceId() {
        return registration().instanceId();
    }

    /** This start of the worker (a UUID). */
    public String incarnation() {
        return incarnation;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9.-]", "-");
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
