package io.connecta.routetests;

import io.connecta.common.test.DevTokens;
import io.connecta.common.test.PostgresDatabase;
import io.connecta.cu.CuWorkerApplication;
import io.connecta.orchestrator.OrchestratorApplication;
import org.apache.camel.CamelContext;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.api.management.mbean.ManagedRouteMBean;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Starts the real apps in this JVM, each with its own Spring and Camel context, on real ports. */
final class Apps {

    private Apps() {
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ConfigurableApplicationContext orchestrator(int port, String jdbcUrl, Map<String, Object> extra) {
        Map<String, Object> p = new HashMap<>();
        p.put("server.port", port);
        p.put("camel.main.name", "orchestrator-" + port);
        // a broker and var dir of its own unless the test shares them on purpose
        p.put("connecta.broker.embedded.name", "connecta-" + port);
        p.put("connecta.broker.embedded.tcp-url", "tcp://127.0.0.1:" + freePort());
        p.put("connecta.var-dir", tempDir("orchestrator-" + port));
        // the dev set-up: the orchestrator is also the token issuer (DevTokens fetch tokens from it)
        p.put("spring.profiles.active", "dev");
        database(p, jdbcUrl);
        p.putAll(extra);
        return start(OrchestratorApplication.application(), p);
    }

    static ConfigurableApplicationContext cu(String instanceId, String jdbcUrl, int orchestratorPort, Map<String, Object> extra) {
        Map<String, Object> p = new HashMap<>();
        p.put("server.port", 0);
        p.put("camel.main.name", instanceId);
        p.put("connecta.worker.instance-id", instanceId);
        p.put("connecta.worker.orchestrator-url", "http://127.0.0.1:" + orchestratorPort);
        p.put("connecta.var-dir", tempDir(instanceId));
        // every CU of these tests runs in the sandbox: a worker that cannot use it does not start
        p.put("connecta.cu.sandbox.required", true);
        // the dev set-up: tokens from the orchestrator's dev issuer (cu-worker-dev.yml)
        p.put("spring.profiles.active", "dev");
        database(p, jdbcUrl);
        p.putAll(extra);
        return start(CuWorkerApplication.application(), p);
    }

    static String tempDir(String name) {
        try {
            return java.nio.file.Files.createTempDirectory("connecta-" + name).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String h2(String name) {
        return "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1";
    }

    private static void database(Map<String, Object> p, String jdbcUrl) {
        p.put("spring.datasource.url", jdbcUrl);
        boolean postgres = jdbcUrl.startsWith("jdbc:postgresql:");
        p.put("spring.datasource.username", postgres ? PostgresDatabase.user() : "sa");
        p.put("spring.datasource.password", "");
    }

    /**
     * The apps run under the dev profile, as {@code ./connecta up} starts them: its development credentials (the
     * broker users of orchestrator-dev.yml and cu-worker-dev.yml) and nothing else to set up.
     */
    static Map<String, Object> withDevProfile(Map<String, Object> properties) {
        Map<String, Object> p = new HashMap<>(properties);
        p.merge("spring.profiles.active", "dev", (given, dev) -> given + ",dev");
        return p;
    }

    private static ConfigurableApplicationContext start(SpringApplication app, Map<String, Object> given) {
        Map<String, Object> properties = withDevProfile(given);
        List<String> args = new ArrayList<>();
        properties.forEach((k, v) -> args.add("--" + k + "=" + v));
        return app.run(args.toArray(String[]::new));
    }

    /** Dev tokens from the dev issuer of the orchestrator on {@code orchestratorPort}. */
    static DevTokens tokens(int orchestratorPort) {
        return new DevTokens("http://127.0.0.1:" + orchestratorPort);
    }

    static int port(ConfigurableApplicationContext app) {
        return Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
    }

    /** Exchanges a route of the app has completed. */
    static long exchanges(ConfigurableApplicationContext app, String routeId) {
        CamelContext camel = app.getBean(CamelContext.class);
        ManagedRouteMBean route = camel.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class)
                .getManagedRoute(routeId);
        if (route == null) {
            throw new IllegalArgumentException("no route " + routeId + " in " + camel.getRoutes().stream()
                    .map(r -> r.getRouteId()).toList());
        }
        return route.getExchangesTotal();
    }
}
