package io.connecta.orchestrator.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.connecta.orchestrator.registry.RegistryProperties;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The job metrics, as Prometheus shows them at {@code /actuator/prometheus}:
 * <ul>
 *   <li>{@code connecta_jobs_submitted_total{workerType,profileId}}</li>
 *   <li>{@code connecta_jobs_finished_total{workerType,profileId,outcome}}, outcome SUCCEEDED, FAILED or CANCELLED</li>
 *   <li>{@code connecta_jobs_running{workerType}} (a gauge; 0 for each configured worker type from the start)</li>
 *   <li>{@code connecta_jobs_duration_seconds{workerType,profileId}} (a histogram with buckets)</li>
 * </ul>
 * The job routes call {@link #submitted}, {@link #started} and {@link #finished}. The running gauge goes up on
 * {@code started} and down on {@code finished} (never below zero); a job cancelled before it started therefore
 * lowers it too, so for such a job call {@code started} right before {@code finished}.
 */
@Component
public class JobMetrics {

    static final String SUBMITTED = "connecta.jobs.submitted";
    static final String FINISHED = "connecta.jobs.finished";
    static final String RUNNING = "connecta.jobs.running";
    static final String DURATION = "connecta.jobs.duration";
    /** Histogram buckets (le): jobs take seconds to hours. */
    static final Duration[] BUCKETS = Stream.of(1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400, 43200, 86400)
            .map(Duration::ofSeconds).toArray(Duration[]::new);
    private static final Set<String> OUTCOMES = Set.of("SUCCEEDED", "FAILED", "CANCELLED");

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();

    @Autowired
    public JobMetrics(MeterRegistry registry, RegistryProperties registryProperties) {
        this(registry, registryProperties.getWorkerTypes());
    }

    /** @param workerTypes the worker types whose running gauge shows 0 from the start */
    public JobMetrics(MeterRegistry registry, List<String> workerTypes) {
        this.registry = registry;
        workerTypes.forEach(this::runningOf);
    }

    public void submitted(String workerType, String profileId) {
        Counter.builder(SUBMITTED).description("Jobs accepted")
                .tag("workerType", workerType).tag("profileId", profileId)
                .register(registry).increment();
    }

    public void started(String workerType, String profileId) {
        runningOf(workerType).incrementAndGet();
    }

    /** @param state SUCCEEDED, FAILED or CANCELLED */
    public void finished(String workerType, String profileId, String state, Duration duration) {
        if (!OUTCOMES.contains(state)) {
            throw new IllegalArgumentException("not a final job state: " + state);
        }
        runningOf(workerType).updateAndGet(n -> Math.max(0, n - 1));
        Counter.builder(FINISHED).description("Jobs that reached a final state")
                .tag("workerType", workerType).tag("profileId", profileId).tag("outcome", state)
                .register(registry).increment();
        Timer.builder(DURATION).description("Time from start to final state")
                .tag("workerType", workerType).tag("profileId", profileId)
                .serviceLevelObjectives(BUCKETS)
                .register(registry).record(duration);
    }

    private AtomicInteger runningOf(String workerType) {
        return running.computeIfAbsent(workerType, type -> {
            AtomicInteger count = new AtomicInteger();
            Gauge.builder(RUNNING, count, AtomicInteger::get).description("Jobs running now")
                    .tag("workerType", type).register(registry);
            return count;
        });
    }
}
