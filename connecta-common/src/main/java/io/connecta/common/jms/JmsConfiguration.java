package io.connecta.common.jms;

import org.apache.activemq.RedeliveryPolicy;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.jms.activemq.ActiveMQConnectionFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The ActiveMQ client as both apps use it. A rolled-back (transacted) delivery comes back after a growing delay;
 * the routes decide when to give up ({@code JMSXDeliveryCount}), so the client never dead-letters on its own.
 */
@Configuration
public class JmsConfiguration {

    @Bean
    ActiveMQConnectionFactoryCustomizer connectaRedelivery(
            @Value("${connecta.jms.redelivery.initial-delay-ms:1000}") long initialDelay,
            @Value("${connecta.jms.redelivery.max-delay-ms:30000}") long maxDelay) {
        return factory -> {
            RedeliveryPolicy policy = new RedeliveryPolicy();
            policy.setInitialRedeliveryDelay(initialDelay);
            policy.setRedeliveryDelay(initialDelay);
            policy.setUseExponentialBackOff(true);
            policy.setBackOffMultiplier(2);
            policy.setMaximumRedeliveryDelay(maxDelay);
            policy.setMaximumRedeliveries(RedeliveryPolicy.NO_MAXIMUM_REDELIVERIES);
            factory.setRedeliveryPolicy(policy);
            // other messages go on while one waits for its redelivery
            factory.setNonBlockingRedelivery(true);
        };
    }
}
