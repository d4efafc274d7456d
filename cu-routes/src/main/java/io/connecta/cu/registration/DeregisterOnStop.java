package io.connecta.cu.registration;

import org.apache.camel.ProducerTemplate;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * On a graceful stop, deregister so the orchestrator stops sending calls at once. Spring publishes
 * ContextClosedEvent before it stops Camel and the web server, so the route can still run.
 */
@Component
public class DeregisterOnStop {

    private final ProducerTemplate producer;

    public DeregisterOnStop(ProducerTemplate producer) {
        this.producer = producer;
    }

    @EventListener(ContextClosedEvent.class)
    public void deregister() {
        producer.sendBody("direct:worker-deregister", null);
    }
}
