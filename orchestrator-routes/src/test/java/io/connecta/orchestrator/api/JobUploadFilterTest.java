package io.connecta.orchestrator.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.connecta.common.problem.ProblemResponses;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The upload filter on its own: what it answers before Camel has started, and which requests it leaves alone. */
class JobUploadFilterTest {

    @Test
    void uploadBeforeCamelHasStartedIsAnswered503NotA500() throws Exception {
        CamelContext notStarted = new DefaultCamelContext();
        JobUploadFilter filter = new JobUploadFilter(notStarted.createProducerTemplate(),
                new ProblemResponses(new ObjectMapper()));
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/fe/v1/jobs");
        request.setContentType("application/octet-stream");
        request.setContent("input".getBytes());
        MockHttpServletResponse response = new MockHttpServletResponse();

        filter.doFilter(request, response, new MockFilterChain());

        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getContentType()).isEqualTo("application/problem+json");
        assertThat(response.getContentAsString()).contains("\"status\":503", "starting");
    }

    @Test
    void otherRequestsPassThrough() throws Exception {
        JobUploadFilter filter = new JobUploadFilter(new DefaultCamelContext().createProducerTemplate(),
                new ProblemResponses(new ObjectMapper()));
        MockFilterChain chain = new MockFilterChain();
        filter.doFilter(new MockHttpServletRequest("GET", "/api/fe/v1/jobs"), new MockHttpServletResponse(), chain);
        assertThat(chain.getRequest()).as("a GET goes on down the chain").isNotNull();

        MockFilterChain other = new MockFilterChain();
        filter.doFilter(new MockHttpServletRequest("POST", "/api/fe/v1/jobs/x/cancel"), new MockHttpServletResponse(), other);
        assertThat(other.getRequest()).as("another path goes on down the chain").isNotNull();
    }
}
