package io.connecta.orchestrator.metrics;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobMetricsTest {

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final JobMetrics metrics = new JobMetrics(registry, List.of("cu"));

    double running(String workerType) {
        return registry.get("connecta.jobs.running").tag("workerType", workerType).gauge().value();
    }

    @Test
    void submittedAreCountedPerWorkerTypeAndProfile() {
        metrics.submitted("cu", "upper");
        metrics.submitted("cu", "upper");
        metrics.submitted("cu", "wc");
        assertThat(registry.get("connecta.jobs.submitted").tags("workerType", "cu", "profileId", "upper").counter().count())
                .isEqualTo(2);
        assertThat(registry.get("connecta.jobs.submitted").tags("workerType", "cu", "profileId", "wc").counter().count())
                .isEqualTo(1);
    }

    @Test
    void runningGaugeFollowsStartsAndFinishesPerWorkerType() {
        assertThat(running("cu")).as("configured worker types show 0 from the start").isZero();
        metrics.started("cu", "upper");
        metrics.started("cu", "wc");
        metrics.started("ocr", "scan");
        assertThat(running("cu")).isEqualTo(2);
        assertThat(running("ocr")).isEqualTo(1);
        metrics.finished("cu", "upper", "SUCCEEDED", Duration.ofSeconds(1));
        assertThat(running("cu")).isEqualTo(1);
        metrics.finished("cu", "wc", "CANCELLED", Duration.ofSeconds(1));
        metrics.finished("cu", "wc", "CANCELLED", Duration.ofSeconds(1));
        assertThat(running("cu")).as("never below zero").isZero();
    }

    @Test
    void finishedAreCountedByOutcomeWithDurationHistogram() {
        metrics.started("cu", "upper");
        metrics.finished("cu", "upper", "SUCCEEDED", Duration.ofMillis(1500));
        metrics.started("cu", "upper");
        metrics.finished("cu", "upper", "FAILED", Duration.ofSeconds(30));
        metrics.started("cu", "upper");
        metrics.finished("cu", "upper", "SUCCEEDED", Duration.ofMillis(500));

        assertThat(registry.get("connecta.jobs.finished").tags("profileId", "upper", "outcome", "SUCCEEDED").counter().count())
                .isEqualTo(2);
        assertThat(registry.get("connecta.jobs.finished").tags("profileId", "upper", "outcome", "FAILED").counter().count())
                .isEqualTo(1);

        Timer duration = registry.get("connecta.jobs.duration").tags("workerType", "cu", "profileId", "upper").timer();
        assertThat(duration.count()).isEqualTo(3);
        assertThat(duration.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(32_000);
        assertThat(duration.max(TimeUnit.SECONDS)).isEqualTo(30);
        CountAtBucket[] buckets = duration.takeSnapshot().histogramCounts();
        assertThat(buckets).as("a histogram with buckets").isNotEmpty();
        assertThat(countAt(buckets, 1)).as("one took at most 1 s").isEqualTo(1);
        assertThat(countAt(buckets, 5)).as("two took at most 5 s").isEqualTo(2);
        assertThat(countAt(buckets, 30)).as("all three took at most 30 s").isEqualTo(3);
    }

    static double countAt(CountAtBucket[] buckets, double seconds) {
        return Arrays.stream(buckets).filter(b -> b.bucket(TimeUnit.SECONDS) == seconds).findFirst().orElseThrow().count();
    }

    @Test
    void onlyFinalStatesFinishAJob() {
        assertThatThrownBy(() -> metrics.finished("cu", "upper", "RUNNING", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
