package io.connecta.routetests;

import org.springframework.util.FileSystemUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A PostgreSQL server of the test's own (initdb into a temp dir, pg_ctl on a free loopback port, trust auth), which the
 * test may restart: never the machine's shared server. Run as the {@code postgres} OS user when the test runs as root
 * (initdb refuses root). {@link #close()} stops it and removes its data.
 */
final class OwnPostgres implements AutoCloseable {

    /** {@code CONNECTA_TEST_PG_BIN}, else the newest server under /usr/lib/postgresql (Debian's layout). */
    static final Path BIN = System.getenv("CONNECTA_TEST_PG_BIN") != null ? Path.of(System.getenv("CONNECTA_TEST_PG_BIN"))
            : newestServer();
    static final String USER = "postgres";
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    final int port = Apps.freePort();
    private final Path home;
    private final Path data;

    private static Path newestServer() {
        try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.filter(v -> v.getFileName().toString().matches("\\d+"))
                    .max(java.util.Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString())))
                    .map(v -> v.resolve("bin"))
                    .orElseThrow(() -> new IllegalStateException("no PostgreSQL server under /usr/lib/postgresql"));
        } catch (IOException e) {
            throw new IllegalStateException("no PostgreSQL server under /usr/lib/postgresql; set CONNECTA_TEST_PG_BIN", e);
        }
    }

    private OwnPostgres(Path home) {
        this.home = home;
        this.data = home.resolve("data");
    }

    /** initdb and start; returns once it takes connections. */
    static OwnPostgres start() {
        try {
            Path home = Files.createTempDirectory("connecta-pg-");
            OwnPostgres pg = new OwnPostgres(home);
            try {
                if (root()) {
                    run(List.of("chown", USER + ":", home.toString()));
                }
                pg.asOwner(BIN.resolve("initdb").toString(), "-D", pg.data.toString(), "-U", USER, "--auth=trust",
                        "-E", "UTF8", "--no-locale", "--no-sync");
                pg.pgCtl("start");
            } catch (RuntimeException e) {
                pg.close();
                throw e;
            }
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** pg_ctl restart -m fast: every connection is cut, the server is back when this returns. */
    void restart() {
        pgCtl("restart");
    }

    /** Creates a database; returns its JDBC URL. */
    String createDatabase(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
        try (Connection c = DriverManager.getConnection(url("postgres"), USER, "");
             Statement s = c.createStatement()) {
            // identifiers cannot be bound as parameters; the name is checked against NAME above
            s.execute("CREATE DATABASE " + name + " ENCODING 'UTF8' TEMPLATE template0");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return url(name);
    }

    String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    @Override
    public void close() {
        try {
            if (Files.exists(data.resolve("postmaster.pid"))) {
                pgCtl("stop", "-m", "immediate");
            }
        } finally {
            FileSystemUtils.deleteRecursively(home.toFile());
        }
    }

    private void pgCtl(String action, String... more) {
        List<String> command = new ArrayList<>(List.of(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-w",
                "-t", "60", "-l", home.resolve("server.log").toString(), action));
        command.addAll(List.of(more));
        if (action.equals("restart")) {
            command.addAll(List.of("-m", "fast"));
        }
        if (!action.equals("stop")) {
            command.addAll(List.of("-o", "-p " + port + " -k " + home + " -c listen_addresses=127.0.0.1"
                    + " -c fsync=off -c max_connections=60 -c shared_buffers=16MB"));
        }
        asOwner(command.toArray(String[]::new));
    }

    private void asOwner(String... command) {
        List<String> line = new ArrayList<>();
        if (root()) {
            line.addAll(List.of("runuser", "-u", USER, "--"));
        }
        line.addAll(List.of(command));
        run(line);
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static void run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " took too long: " + out);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
