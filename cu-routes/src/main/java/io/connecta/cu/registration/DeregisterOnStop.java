package io.connecta.cu.registration;

import org.apache.camel.ProducerTemplate;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * On a graceful stop, deregister so the orchestrator stops sending calls at once. Spring publishes
 * ContextClosedEvent before it stops Camel and the web server, so the route can still run. It comes after
 * {@code GracefulStop} (lowest precedence): the orchestrator must still know the worker while its last jobs report.
 */
@Component
public class DeregisterOnStop {

    private final ProducerTemplate producer;

    public DeregisterOnStop(ProducerTemplate producer) {
        this.producer = producer;
    }

    @EventListener(ContextClosedEvent.class)
    @Order(Ordered.LOWEST_PRECEDENCE)
    public void deregister() {
        producer.sendBody("direct:worker-deregister", null);
    }
}
