package io.connecta.orchestrator.messaging;

import io.connecta.common.job.JobQueues;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Error handling of the orchestrator's transacted JMS consumers. A failure rolls the delivery back and the broker
 * redelivers it with growing delays (see JmsConfiguration); after {@code connecta.jms.max-deliveries} the message
 * is parked unchanged on {@code connecta.jobs.dlq} with the reason, so it is never lost and never loops for ever.
 */
@Component
public class MessagingRouteConfiguration extends RouteConfigurationBuilder {

    public static final String ID = "jms-messaging";

    private final int maxDeliveries;

    public MessagingRouteConfiguration(@Value("${connecta.jms.max-deliveries:10}") int maxDeliveries) {
        this.maxDeliveries = maxDeliveries;
    }

    @Override
    public void configuration() {
        routeConfiguration(ID)
                .onException(Exception.class)
                    .onWhen(header("JMSXDeliveryCount").isGreaterThanOrEqualTo(maxDeliveries))
                    .handled(true).useOriginalMessage()
                    .setHeader(JobQueues.REASON_HEADER, simple("${exception.class.simpleName}: ${exception.message}"))
                    .setHeader("ConnectaFromRoute", simple("${routeId}"))
                    .log(LoggingLevel.ERROR, "Giving up on ${header.JMSMessageID} after ${header.JMSXDeliveryCount}"
                            + " deliveries; parked on " + JobQueues.DEAD_LETTER + ": ${exception.message}")
                    .to("activemq6:queue:" + JobQueues.DEAD_LETTER);
    }
}
