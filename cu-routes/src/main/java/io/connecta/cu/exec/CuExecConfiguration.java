package io.connecta.cu.exec;

import io.connecta.cu.jobs.WorkRoot;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;

/** The beans the {@code exec:} endpoint of {@link CuExecRoutes} refers to by name. */
@Configuration
@EnableConfigurationProperties(ConfinementProperties.class)
public class CuExecConfiguration {

    /** Decided at start-up: a worker that must sandbox and cannot does not start. */
    @Bean(initMethod = "start")
    CuConfinement cuConfinement(ConfinementProperties properties) {
        return new CuConfinement(properties);
    }

    /** The running CUs of this worker instance, with their run records in its own folder ({@link WorkRoot}). */
    @Bean
    CuRuns cuRuns(WorkRoot workRoot, @Value("${connecta.cu.kill-grace:5s}") Duration killGrace,
                  @Value("${connecta.cu.stop-signal-wait:3s}") Duration signalWait) {
        return new CuRuns(workRoot::runsDir, killGrace, signalWait);
    }

    @Bean
    CuCommandExecutor cuCommandExecutor(CuConfinement confinement, CuRuns runs,
                                        @Value("${connecta.cu.stderr-tail-bytes:4096}") int stderrTailBytes,
                                        @Value("${connecta.cu.kill-grace:5s}") Duration killGrace,
                                        @Value("${connecta.cu.streams-drain:10s}") Duration streamsDrain) {
        return new CuCommandExecutor(confinement, runs, stderrTailBytes, killGrace, streamsDrain);
    }

    @Bean
    CuExecBinding cuExecBinding() {
        return new CuExecBinding();
    }
}
