package io.connecta.orchestrator.broker;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/** {@link BrokerUsers}, with or without the embedded broker (results are checked against it either way). */
@Configuration
@EnableConfigurationProperties(BrokerUsers.class)
public class BrokerUsersConfiguration {
}
