package io.connecta.common.ops;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** A job's steps log with its job id in the MDC, across routes and threads, and nothing leaks to the next exchange. */
class JobMdcTest {

    final List<String> seen = new CopyOnWriteArrayList<>();
    CamelContext camel;

    @BeforeEach
    void start() throws Exception {
        camel = new DefaultCamelContext();
        camel.setUseMDCLogging(true);
        camel.setMDCLoggingKeysPattern(JobMdc.KEY);
        camel.getCamelContextExtension().addInterceptStrategy(new JobMdc());
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:job").routeId("job")
                        .process(e -> seen.add("job:" + MDC.get(JobMdc.KEY)))
                        .to("seda:next?waitForTaskToComplete=Always");
                from("seda:next").routeId("next")
                        .process(e -> seen.add("next:" + MDC.get(JobMdc.KEY) + "@" + MDC.get("camel.routeId")));
                from("direct:assign").routeId("assign")
                        .process(e -> seen.add("before:" + MDC.get(JobMdc.KEY)))
                        .setHeader(JobMdc.HEADER, constant("job-2"))
                        .process(e -> seen.add("after:" + MDC.get(JobMdc.KEY)));
            }
        });
        camel.start();
    }

    @AfterEach
    void stop() {
        camel.stop();
    }

    @Test
    void jobIdHeaderIsInTheMdcOfEveryStepAcrossRoutesAndThreads() {
        ProducerTemplate producer = camel.createProducerTemplate();
        producer.sendBodyAndHeader("direct:job", "x", JobMdc.HEADER, "job-1");
        assertThat(seen).containsExactly("job:job-1", "next:job-1@next");
        assertThat(MDC.get(JobMdc.KEY)).as("cleared when the exchange is done").isNull();
    }

    @Test
    void headerSetMidRouteIsPickedUpByTheNextStep() {
        camel.createProducerTemplate().sendBody("direct:assign", "x");
        assertThat(seen).containsExactly("before:null", "after:job-2");
        assertThat(MDC.get(JobMdc.KEY)).isNull();
    }

    @Test
    void exchangesWithoutJobIdDoNotInheritOne() {
        ProducerTemplate producer = camel.createProducerTemplate();
        producer.sendBodyAndHeader("direct:job", "x", JobMdc.HEADER, "job-1");
        seen.clear();
        producer.sendBody("direct:job", "y");
        assertThat(seen).containsExactly("job:null", "next:null@next");
    }
}
