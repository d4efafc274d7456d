package io.connecta.orchestrator.ops;

import io.connecta.orchestrator.OrchestratorApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The development operator password (admin/connecta-dev) works in the dev set-up only: anywhere else, no start. */
class OpsDevPasswordTest {

    private static Throwable startWithout(String... extra) {
        // outside dev (an argument outranks the build's spring.profiles.active=dev); an issuer, so only the password is missing
        List<String> args = new ArrayList<>(List.of("--spring.config.name=orchestrator", "--server.port=0",
                "--spring.profiles.active=test", "--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=http://127.0.0.1:9/jwks",
                "--spring.datasource.url=jdbc:h2:mem:devpw-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1"));
        args.addAll(List.of(extra));
        try (ConfigurableApplicationContext ignored = new SpringApplicationBuilder(OrchestratorApplication.class)
                .run(args.toArray(String[]::new))) {
            return null;
        } catch (Throwable e) {
            return e;
        }
    }

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }

    @Test
    void devPasswordOutsideTheDevProfileStopsTheStartNamingTheProperty() {
        Throwable failure = startWithout("--connecta.ops.password=connecta-dev");
        assertThat(failure).as("the orchestrator must not start with the dev password outside profile dev").isNotNull();
        assertThat(messages(failure)).contains("connecta.ops.password").contains("development password");
    }

    @Test
    void noPasswordOutsideTheDevProfileStopsTheStartNamingTheProperty() {
        Throwable failure = startWithout();
        assertThat(failure).as("no insecure default: without dev there is no operator password").isNotNull();
        assertThat(messages(failure)).contains("connecta.ops.password is not set");
    }

    @Test
    void theEncodedDevPasswordIsRefusedToo() {
        assertThatThrownBy(() -> {
            Throwable failure = startWithout("--connecta.ops.password={noop}connecta-dev");
            if (failure != null) {
                throw failure;
            }
        }).satisfies(e -> assertThat(messages(e)).contains("connecta.ops.password"));
    }
}
