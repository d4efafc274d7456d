package io.connecta.orchestrator.jobs;

import io.connecta.common.test.Await;
import io.connecta.common.test.PostgresDatabase;
import io.connecta.orchestrator.OrchestratorApplication;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two orchestrators on one PostgreSQL database: a stale job (RUNNING on a worker that is not registered) is swept
 * exactly once, by whichever holds the sweep lock, however often both sweep.
 */
class JobSweepClusterTest {

    private final List<ConfigurableApplicationContext> orchestrators = new java.util.ArrayList<>();

    @AfterEach
    void stop() {
        orchestrators.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void twoOrchestratorsOnOneDatabaseSweepAStaleJobExactlyOnce() {
        String url = PostgresDatabase.recreate("connecta_sweep_cluster_test");
        ConfigurableApplicationContext first = start(url);
        ConfigurableApplicationContext second = start(url);
        JdbcTemplate jdbc = first.getBean(JdbcTemplate.class);
        NotifyBuilder firstSweeps = new NotifyBuilder(first.getBean(CamelContext.class)).fromRoute("job-sweep")
                .whenCompleted(10).create();
        NotifyBuilder secondSweeps = new NotifyBuilder(second.getBean(CamelContext.class)).fromRoute("job-sweep")
                .whenCompleted(10).create();

        String jobId = UUID.randomUUID().toString();
        jdbc.update("INSERT INTO job (job_id, worker_type, profile_id, origin, state, state_rank, input_name, attempt,"
                + " worker_instance_id, created_at, updated_at, started_at) VALUES (?, 'cu', 'upper', 'DROP_IN',"
                + " 'RUNNING', 2, 'a.txt', 1, 'cu-gone', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)", jobId);

        Await.until("the stale job ends FAILED", () -> "FAILED".equals(
                jdbc.queryForObject("SELECT state FROM job WHERE job_id = ?", String.class, jobId)));
        assertThat(firstSweeps.matches(30, TimeUnit.SECONDS)).as("the first orchestrator's timer ran on").isTrue();
        assertThat(secondSweeps.matches(30, TimeUnit.SECONDS)).as("the second orchestrator's timer ran on").isTrue();

        assertThat(finished(first) + finished(second)).as("ended once, by one of the two").isEqualTo(1.0);
        assertThat(jdbc.queryForObject("SELECT error FROM job WHERE job_id = ?", String.class, jobId))
                .isEqualTo("worker cu-gone went away while the job ran");
    }

    private ConfigurableApplicationContext start(String url) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(OrchestratorApplication.class)
                .profiles("dev", "test")
                // arguments, not default properties: they must win over the test profile's H2 database
                .run("--spring.config.name=orchestrator", "--server.port=0",
                        "--connecta.var-dir=orchestrator-routes/target/sweep-cluster-test-var",
                        "--spring.datasource.url=" + url, "--spring.datasource.username=" + PostgresDatabase.user(),
                        "--spring.datasource.password=", "--connecta.jobs.sweep-period-ms=200",
                        "--connecta.jobs.worker-grace=0s");
        orchestrators.add(context);
        return context;
    }

    private static double finished(ConfigurableApplicationContext context) {
        return context.getBean(MeterRegistry.class).find("connecta.jobs.finished").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }
}
