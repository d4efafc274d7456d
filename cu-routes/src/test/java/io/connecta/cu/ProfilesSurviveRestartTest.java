package io.connecta.cu;

import com.fasterxml.jackson.databind.JsonNode;
import io.connecta.common.test.Http;
import io.connecta.common.test.PostgresDatabase;
import io.connecta.common.test.TestIssuer;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/** The CU worker keeps its profiles in its database: on PostgreSQL they outlive the worker process. */
class ProfilesSurviveRestartTest {

    @Test
    void profileSurvivesAWorkerRestartOnPostgres() {
        String url = PostgresDatabase.recreate("connecta_cu_restart_test");
        TestIssuer issuer = TestIssuer.start();
        String admin = issuer.tokens().admin();
        String[] args = {"--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=" + issuer.jwkSetUri(), "--server.port=0", "--spring.profiles.active=dev,postgres,test",
                "--spring.datasource.url=" + url, "--spring.datasource.username=" + PostgresDatabase.user(),
                "--connecta.worker.orchestrator-url=http://127.0.0.1:9"};
        JsonNode created;
        try (ConfigurableApplicationContext worker = CuWorkerApplication.application().run(args)) {
            Http http = new Http("http://127.0.0.1:" + worker.getEnvironment().getProperty("local.server.port") + "/api/v1")
                    .bearer(admin);
            Http.Response r = http.postJson("/profiles", """
                    {"id":"upper","name":"Upper ‘quoted’; --","executable":"sample-cu",
                     "args":["--mode","upper","${input}","${output}"],"output":"out.dat","timeoutSeconds":60}""");
            assertThat(r.status()).as("create: %s", r).isEqualTo(201);
            created = r.json();
        }
        try (ConfigurableApplicationContext worker = CuWorkerApplication.application().run(args)) {
            Http http = new Http("http://127.0.0.1:" + worker.getEnvironment().getProperty("local.server.port") + "/api/v1")
                    .bearer(admin);
            assertThat(http.get("/profiles/upper").json()).as("the profile after a restart").isEqualTo(created);
        } finally {
            issuer.close();
        }
    }
}
