package io.connecta.orchestrator.jobs;

import io.connecta.common.test.PostgresDatabase;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The sweeper's cases of {@link JobSweepTest} on the machine's real PostgreSQL, in a database of the test's own. */
class JobSweepPostgresTest extends JobSweepTest {

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        String url = PostgresDatabase.recreate("connecta_sweep_test");
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", PostgresDatabase::user);
        registry.add("spring.datasource.password", () -> "");
    }
}
