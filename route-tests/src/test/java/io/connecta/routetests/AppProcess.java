package io.connecta.routetests;

import io.connecta.common.test.Await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** An app started as its own JVM from the built -exec jar, as {@code ./connecta} runs it. */
final class AppProcess implements AutoCloseable {

    static final Path ROOT = Path.of("").toAbsolutePath();
    static final Path ORCHESTRATOR_JAR = ROOT.resolve("orchestrator-routes/target/orchestrator-routes-0.1.0-SNAPSHOT-exec.jar");
    static final Path CU_JAR = ROOT.resolve("cu-routes/target/cu-routes-0.1.0-SNAPSHOT-exec.jar");

    final String name;
    final int port;
    final Process process;
    final Path log;

    private AppProcess(String name, int port, Process process, Path log) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /** Starts the app in the dev set-up (profile dev added), as {@code ./connecta up} does. */
    static AppProcess start(String name, Path jar, String heap, Map<String, Object> properties) {
        return startWith(name, jar, heap, Apps.withDevProfile(properties));
    }

    /** Starts the app with exactly these properties: no dev profile, so everything production needs must be in them. */
    static AppProcess startProduction(String name, Path jar, String heap, Map<String, Object> properties) {
        return startWith(name, jar, heap, properties);
    }

    private static AppProcess startWith(String name, Path jar, String heap, Map<String, Object> properties) {
        int port = Apps.freePort();
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx" + heap, "-jar", jar.toString(), "--server.port=" + port));
        properties.forEach((k, v) -> command.add("--" + k + "=" + v));
        try {
            Path logs = Files.createDirectories(ROOT.resolve("route-tests/target/it-logs"));
            Path log = logs.resolve(name + ".log");
            Process p = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            AppProcess app = new AppProcess(name, port, p, log);
            Await.until(name + " is up (log " + log + ")", Duration.ofSeconds(120), () -> {
                if (!p.isAlive()) {
                    throw new IllegalStateException(name + " exited with " + p.exitValue() + "; see " + log);
                }
                return app.healthy();
            });
            return app;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean healthy() {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** kill -9: no shutdown hook, no graceful anything. */
    void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        Await.until(name + " is dead", () -> !process.isAlive());
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            Await.until(name + " stopped", Duration.ofSeconds(60), () -> !process.isAlive());
        }
    }
}
