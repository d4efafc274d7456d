package io.connecta.routetests;

import io.connecta.common.test.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, fault 2: a CU worker with two consumers on {@code connecta.jobs.cu} takes one long job, then six quick
 * ones. With ActiveMQ's default prefetch (1000) half of the quick jobs are parked in the busy consumer's buffer and
 * wait for the long job; with the job queues consumed one message at a time they all run on the idle consumer.
 */
class JobQueueFairnessTest {

    static final int LONG_SECONDS = 30;
    static JobSystem system;

    @BeforeAll
    static void start() {
        system = new JobSystem("fairness", Map.of("connecta.cu.jobs.concurrent-consumers", 2), true);
        system.createProfile("long", "[\"--sleep\",\"" + LONG_SECONDS + "\",\"${input}\",\"${output}\"]", 120);
        system.createProfile("quick", "[\"--mode\",\"upper\",\"${input}\",\"${output}\"]", 60);
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    @Test
    void quickJobsFinishWhileALongJobRunsOnTheOtherConsumer() {
        String longJob = system.submit("long", "long".getBytes()).json().path("jobId").asText();
        Await.until("the long job runs", Duration.ofSeconds(30),
                () -> system.job(longJob).path("status").asText().equals("RUNNING"));

        List<String> quick = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            quick.add(system.submit("quick", ("quick " + i).getBytes()).json().path("jobId").asText());
        }
        // well within the long job's run: none of the quick jobs may wait for it
        Await.until("all six quick jobs SUCCEEDED", Duration.ofSeconds(LONG_SECONDS - 5), () -> quick.stream()
                .allMatch(id -> system.job(id).path("status").asText().equals("SUCCEEDED")));
        assertThat(system.job(longJob).path("status").asText())
                .as("the quick jobs finished while the long one still ran on the other consumer").isEqualTo("RUNNING");

        assertThat(system.awaitEnd(longJob, Duration.ofSeconds(LONG_SECONDS + 30)).path("status").asText())
                .as("the long job is not disturbed").isEqualTo("SUCCEEDED");
    }
}
