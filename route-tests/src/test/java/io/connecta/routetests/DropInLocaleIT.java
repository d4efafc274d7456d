package io.connecta.routetests;

import io.connecta.common.test.Await;
import io.connecta.common.test.Http;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, fault 6: {@code ./connecta up} from a shell under {@code LC_ALL=C} (where a JVM names files in ASCII) still
 * starts a CU worker that takes a dropped {@code Übersicht-März.txt}. Ports, broker and var dir of its own.
 */
class DropInLocaleIT {

    static final String NAME = "Übersicht-März.txt";

    @Test
    void workerStartedByConnectaUnderLcAllCTakesANonAsciiDropInFile() throws Exception {
        assertThat(System.getProperty("sun.jnu.encoding")).as("this test JVM itself must name files in UTF-8")
                .isEqualTo("UTF-8");
        assertThat(run("java -XshowSettings:properties -version 2>&1 | grep sun.jnu.encoding", cLocale(Map.of()), 60))
                .as("precondition: here a JVM under LC_ALL=C cannot name non-ASCII files, so the test proves the fix")
                .doesNotContain("UTF-8");

        Path var = Files.createTempDirectory("connecta-locale-");
        int orchestratorPort = Apps.freePort();
        String broker = "tcp://127.0.0.1:" + Apps.freePort();
        Map<String, String> env = cLocale(Map.of(
                "CONNECTA_VAR_DIR", var.toString(),
                "CONNECTA_ORCHESTRATOR_PORT", String.valueOf(orchestratorPort),
                "CONNECTA_CU_PORT", String.valueOf(Apps.freePort()),
                "CONNECTA_BROKER_EMBEDDED_TCP_URL", broker,
                "SPRING_ACTIVEMQ_BROKER_URL", broker,
                "CONNECTA_CU_DROPIN_POLL_DELAY_MS", "200",
                "CONNECTA_CU_DROPIN_FOLDERS_PERIOD_MS", "500",
                "CONNECTA_CU_DROPIN_READ_LOCK_MIN_AGE_MS", "1000"));
        try {
            String up = run("./connecta up", env, 300);
            assertThat(up).as("./connecta up under LC_ALL=C").contains("Connecta is up");

            Http cu = new Http("http://127.0.0.1:" + orchestratorPort + "/api/fe/v1/worker-types/cu")
                    .bearer(Apps.tokens(orchestratorPort).admin());
            assertThat(cu.postJson("/profiles", "{\"id\":\"upper\",\"name\":\"Upper\",\"executable\":\"sample-cu\","
                    + "\"args\":[\"--mode\",\"upper\",\"${input}\",\"${output}\"],\"output\":\"out.dat\"}").status())
                    .isEqualTo(201);
            Path folder = var.resolve("dropin/upper");
            Await.until("the worker made upper/in/", Duration.ofSeconds(60), () -> Files.isDirectory(folder.resolve("in")));
            Path staged = Files.writeString(var.resolve(NAME), "grüße aus dem märz\n");
            Files.move(staged, folder.resolve("in").resolve(NAME), StandardCopyOption.ATOMIC_MOVE);

            Await.until(NAME + " is in done/", Duration.ofSeconds(60), () -> Files.exists(folder.resolve("done").resolve(NAME)));
            assertThat(Files.readString(folder.resolve("out").resolve(NAME)))
                    .as("the output under the input's own name (ASCII letters upper-cased)").isEqualTo("GRüßE AUS DEM MäRZ\n");
            assertThat(Files.readString(var.resolve("log/cu-worker.log")))
                    .as("the worker's JVM names files in UTF-8: no start-up ERROR about it")
                    .doesNotContain("File names are not UTF-8");
        } finally {
            run("./connecta down", env, 120);
            FileSystemUtils.deleteRecursively(var);
        }
    }

    /** The environment of a shell under LC_ALL=C: no other locale variable. */
    private static Map<String, String> cLocale(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(extra);
        env.put("LC_ALL", "C");
        return env;
    }

    private static String run(String script, Map<String, String> env, long timeoutSeconds)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script).directory(AppProcess.ROOT.toFile())
                .redirectErrorStream(true);
        pb.environment().keySet().removeIf(name -> name.startsWith("CONNECTA_") || name.startsWith("LC_")
                || name.equals("LANG") || name.equals("LANGUAGE"));
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(timeoutSeconds, TimeUnit.SECONDS)).as("finished in time: %s", script).isTrue();
        return new String(out, StandardCharsets.UTF_8);
    }
}
