package io.connecta.cu.registration;

import io.connecta.common.worker.WorkerRegistration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** This worker instance's registration, resolved once the web server knows its port. */
@Component
@EnableConfigurationProperties(WorkerProperties.class)
public class WorkerIdentity {

    private final WorkerProperties properties;
    private final Environment environment;
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
            registration = new WorkerRegistration(instanceId, properties.getWorkerType(), baseUrl, properties.getVersion());
        }
        return registration;
    }

    public String instanceId() {
        return registration().instanceId();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9.-]", "-");
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
