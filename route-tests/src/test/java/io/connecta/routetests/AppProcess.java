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
    private final Launch launch;

    private AppProcess(String name, int port, Process process, Path log, Launch launch) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
        this.launch = launch;
    }

    /**
     * How to start an app: its jar, heap, JVM options and properties, and the environment changes and command prefix
     * of the process (e.g. a shell that picks the locale as {@code ./connecta} does).
     */
    record Launch(Path jar, String heap, List<String> jvmOptions, Map<String, Object> properties,
                  Map<String, String> environment, List<String> prefix) {

        Launch(Path jar, String heap, Map<String, Object> properties) {
            this(jar, heap, List.of(), properties, Map.of(), List.of());
        }
    }

    /** Starts the app in the dev set-up (profile dev added), as {@code ./connecta up} does. */
    static AppProcess start(String name, Path jar, String heap, Map<String, Object> properties) {
        return start(name, Apps.freePort(), new Launch(jar, heap, Apps.withDevProfile(properties)));
    }

    /** Starts the app with exactly these properties: no dev profile, so everything production needs must be in them. */
    static AppProcess startProduction(String name, Path jar, String heap, Map<String, Object> properties) {
        return start(name, Apps.freePort(), new Launch(jar, heap, properties));
    }

    /** Starts the app on {@code port} as {@code launch} says (the dev profile only if its properties name it). */
    static AppProcess start(String name, int port, Launch launch) {
        List<String> command = new ArrayList<>(launch.prefix());
        command.addAll(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx" + launch.heap()));
        command.addAll(launch.jvmOptions());
        command.addAll(List.of("-jar", launch.jar().toString(), "--server.port=" + port));
        launch.properties().forEach((k, v) -> command.add("--" + k + "=" + v));
        try {
            Path logs = Files.createDirectories(ROOT.resolve("route-tests/target/it-logs"));
            Path log = logs.resolve(name + ".log");
            ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().putAll(launch.environment());
            Process p = builder.start();
            AppProcess app = new AppProcess(name, port, p, log, launch);
            try {
                Await.until(name + " is up (log " + log + ")", Duration.ofSeconds(120), () -> {
                    if (!p.isAlive()) {
                        throw new IllegalStateException(name + " exited with " + p.exitValue() + "; see " + log);
                    }
                    return app.healthy();
                });
            } catch (RuntimeException | Error e) {
                app.kill();
                throw e;
            }
            return app;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The same app again (same port, properties and environment) after this one ended; its log is {@code name}.log. */
    AppProcess restart(String newName) {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " still runs");
        }
        return start(newName, port, launch);
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

    /**
     * kill -9 of the JVM alone: no shutdown hook, no graceful anything; what it started (a CU) is left to the kernel,
     * as after a crash or the OOM killer.
     */
    void kill() {
        process.destroyForcibly();
        Await.until(name + " is dead", () -> !process.isAlive());
    }

    /** SIGTERM (what {@code ./connecta down}, systemd and Kubernetes send), then waits up to {@code timeout} for the exit. */
    void terminate(Duration timeout) {
        process.destroy();
        Await.until(name + " stopped", timeout, () -> !process.isAlive());
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                Await.until(name + " stopped", Duration.ofSeconds(60), () -> !process.isAlive());
            } catch (AssertionError e) {
                process.destroyForcibly();
                throw e;
            }
        }
    }
}
