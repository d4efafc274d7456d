package io.connecta.orchestrator.ops;

import io.connecta.orchestrator.metrics.JobMetrics;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Prometheus shows the Camel route metrics by route id and the job metrics. */
class OpsMetricsTest extends OpsTestSupport {

    @Autowired
    JobMetrics jobs;

    @Test
    void prometheusShowsCamelRouteMetricsByRouteId() {
        assertThat(api.get("/api/fe/v1/workers").status()).isEqualTo(200);
        String scrape = getAsOperator("/actuator/prometheus").body();
        assertThat(scrape).containsPattern("camel_exchanges_total\\{[^}]*routeId=\"worker-list\"");
        assertThat(scrape).containsPattern("camel_route_policy_seconds_count\\{[^}]*routeId=\"worker-list\"");
    }

    @Test
    void prometheusShowsTheJobMetrics() {
        assertThat(getAsOperator("/actuator/prometheus").body()).as("the running gauge exists before any job")
                .containsPattern("connecta_jobs_running\\{[^}]*workerType=\"cu\"[^}]*} 0");

        jobs.submitted("cu", "metrics-upper");
        jobs.started("cu", "metrics-upper");
        jobs.finished("cu", "metrics-upper", "SUCCEEDED", Duration.ofSeconds(2));

        String scrape = getAsOperator("/actuator/prometheus").body();
        assertThat(scrape).containsPattern("connecta_jobs_submitted_total\\{[^}]*profileId=\"metrics-upper\"[^}]*} 1.0");
        assertThat(scrape).containsPattern("connecta_jobs_finished_total\\{[^}]*outcome=\"SUCCEEDED\"[^}]*profileId=\"metrics-upper\"");
        assertThat(scrape).containsPattern("connecta_jobs_duration_seconds_bucket\\{[^}]*profileId=\"metrics-upper\"");
        assertThat(scrape).containsPattern("connecta_jobs_duration_seconds_count\\{[^}]*profileId=\"metrics-upper\"[^}]*} 1");
    }
}
