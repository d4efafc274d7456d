package io.connecta.routetests;

import com.fasterxml.jackson.databind.JsonNode;
import io.connecta.common.test.Await;
import io.connecta.common.test.PostgresDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A CU worker JVM killed with SIGKILL in the middle of a job: the job still ends SUCCEEDED, recorded once. */
class WorkerKillIT {

    @Test
    void jobSurvivesWorkerKill() {
        try (JobSystem system = new JobSystem("kill", Map.of(), false)) {
            Map<String, Object> cu = new HashMap<>(system.cuProperties());
            cu.put("spring.profiles.active", "postgres,dev");
            cu.put("spring.datasource.url", PostgresDatabase.recreate("connecta_rt_kill_cu"));
            cu.put("spring.datasource.username", PostgresDatabase.user());

            String jobId;
            try (AppProcess first = AppProcess.start("kill-cu-1", AppProcess.CU_JAR, "256m", cu)) {
                system.awaitWorker();
                system.createProfile("slow-copy", "[\"--sleep\",\"4\",\"${input}\",\"${output}\"]", 120);
                jobId = system.submit("slow-copy", "survives a kill".getBytes()).json().path("jobId").asText();
                Await.until("the first worker runs the job", Duration.ofSeconds(60),
                        () -> system.job(jobId).path("status").asText().equals("RUNNING"));
                first.kill();
            }
            assertThat(system.job(jobId).path("status").asText()).as("not ended by the kill").isEqualTo("RUNNING");

            try (AppProcess second = AppProcess.start("kill-cu-2", AppProcess.CU_JAR, "256m", cu)) {
                JsonNode done = system.awaitEnd(jobId, Duration.ofSeconds(120));
                assertThat(done.path("status").asText()).as("job %s", done).isEqualTo("SUCCEEDED");
                assertThat(system.fe.get("/jobs/" + jobId + "/result").body()).isEqualTo("survives a kill");
                JdbcTemplate jdbc = system.orchestrator.getBean(JdbcTemplate.class);
                assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM job WHERE job_id = ?", Integer.class, jobId))
                        .as("exactly once in the orchestrator's records").isEqualTo(1);
                assertThat(system.jobRows()).isEqualTo(1);
            }
        }
    }
}
