package io.connecta.routetests;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's quick start, as printed: {@code ./connecta up} on the built jars (data in a fresh var dir), then
 * every command of the quick-start block must succeed, then {@code ./connecta down}.
 */
class QuickStartIT {

    static final Path ROOT = Path.of("").toAbsolutePath();
    static Path varDir;

    static ProcessResult run(String script, long timeoutSeconds) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script).directory(ROOT.toFile())
                .redirectErrorStream(true);
        pb.environment().put("CONNECTA_VAR_DIR", varDir.toString());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(timeoutSeconds, TimeUnit.SECONDS)).as("finished in time: %s", script).isTrue();
        return new ProcessResult(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    record ProcessResult(int exit, String output) { }

    @AfterAll
    static void down() throws Exception {
        if (varDir != null) {
            run("./connecta down", 120);
        }
    }

    @Test
    void quickStartWorksAsPrinted() throws Exception {
        varDir = Files.createTempDirectory("connecta-quickstart");
        String readme = Files.readString(ROOT.resolve("README.md"));
        Matcher block = Pattern.compile("<!-- quickstart:begin -->\\s*```bash\\n(.*?)```\\s*<!-- quickstart:end -->",
                Pattern.DOTALL).matcher(readme);
        assertThat(block.find()).as("README has a quick-start block").isTrue();

        ProcessResult up = run("./connecta up", 300);
        assertThat(up.exit()).as("./connecta up:\n%s", up.output()).isZero();
        assertThat(up.output()).contains("Connecta is up", "http://127.0.0.1:8080/api/fe/v1");

        ProcessResult quickStart = run(block.group(1), 300);
        assertThat(quickStart.exit()).as("quick start:\n%s", quickStart.output()).isZero();
        assertThat(quickStart.output()).as("the worker is listed UP").contains("\"status\":\"UP\"");
        assertThat(quickStart.output()).as("the profile comes back").contains("\"id\":\"upper\"");
        assertThat(quickStart.output()).as("the job's output").contains("HELLO FROM THE QUICK START");
    }
}
