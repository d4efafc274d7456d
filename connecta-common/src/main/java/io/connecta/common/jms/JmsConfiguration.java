package io.connecta.common.jms;

import org.apache.activemq.RedeliveryPolicy;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.jms.activemq.ActiveMQConnectionFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The ActiveMQ client as both apps use it. A rolled-back (transacted) delivery comes back after a growing delay;
 * the routes decide when to give up ({@code JMSXDeliveryCount}), so the client never dead-letters on its own.
 * A queue consumer takes {@code connecta.jms.queue-prefetch} messages ahead (0 = it asks for each one when it is
 * free; the CU worker's setting): with ActiveMQ's default of 1000 a consumer busy with a long job holds the next jobs
 * in its buffer while another consumer sits idle.
 */
@Configuration
public class JmsConfiguration {

    @Bean
    ActiveMQConnectionFactoryCustomizer connectaRedelivery(
            @Value("${connecta.jms.redelivery.initial-delay-ms:1000}") long initialDelay,
            @Value("${connecta.jms.redelivery.max-delay-ms:30000}") long maxDelay,
            @Value("${connecta.jms.queue-prefetch:0}") int queuePrefetch) {
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
            // a setting of the client, not of the broker URL: a deployer's broker-url must not lose it
            factory.getPrefetchPolicy().setQueuePrefetch(queuePrefetch);
        };
    }
}
