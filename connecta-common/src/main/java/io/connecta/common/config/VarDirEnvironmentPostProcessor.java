package io.connecta.common.config;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.nio.file.Path;
import java.util.Map;

/**
 * Makes {@code connecta.var-dir} (default {@code var}) an absolute, normalised path, resolved against the working
 * directory the app was started in, before anything reads it. Every path under the var dir
 * ({@code ${connecta.var-dir}/data/…}, {@code …/blobs}, {@code …/dropin}) is then absolute too: H2 refuses a file
 * URL that is implicitly relative to the working directory (error 90011), and camel-file, Flyway and the blob store
 * should not depend on where a relative path happens to be resolved.
 *
 * <p>Runs after the configuration files and the command line are loaded ({@link Ordered#LOWEST_PRECEDENCE}) and
 * puts the resolved value first, so {@code --connecta.var-dir=x} and {@code CONNECTA_VAR_DIR=x} are honoured.
 */
public class VarDirEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    /** The property this post-processor resolves. */
    public static final String VAR_DIR = "connecta.var-dir";
    static final String SOURCE_NAME = "connectaResolvedVarDir";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String configured = environment.getProperty(VAR_DIR, "var");
        String absolute = Path.of(configured).toAbsolutePath().normalize().toString();
        environment.getPropertySources().addFirst(new MapPropertySource(SOURCE_NAME, Map.of(VAR_DIR, absolute)));
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
