package io.connecta.orchestrator.broker;

import io.connecta.orchestrator.OrchestratorApplication;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Outside the dev profile there are no broker users to fall back on: an orchestrator whose embedded broker has none
 * does not start, and the error names the property to set (no open broker by default).
 */
class EmbeddedBrokerUsersRequiredTest {

    @Test
    void anEmbeddedBrokerWithoutUsersRefusesToStartAndNamesTheProperty() {
        String name = "users-required-" + UUID.randomUUID();
        assertThatThrownBy(() -> {
            try (ConfigurableApplicationContext app = OrchestratorApplication.application().run(
                    "--server.port=0", "--connecta.var-dir=orchestrator-routes/target/users-required-test-var",
                    // outside dev and test (their ymls have users); everything else production needs is given
                    "--spring.profiles.active=production", "--connecta.ops.password=users-required-test",
                    "--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=http://127.0.0.1:9/jwks",
                    "--spring.datasource.url=jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1",
                    "--connecta.broker.embedded.name=" + name, "--connecta.broker.embedded.persistent=false",
                    "--connecta.broker.embedded.tcp-url=tcp://127.0.0.1:0", "--spring.jmx.enabled=false")) {
                app.getBean(OrchestratorApplication.class);
            }
        }).as("an orchestrator without broker users").hasStackTraceContaining("connecta.broker.users");
    }
}
