package io.connecta.common.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Azurite 3.35.0 (Azure Blob Storage emulator) with zero set-up. If something listens on the blob port
 * (127.0.0.1:10000, or {@code CONNECTA_TEST_AZURITE_PORT}) it is used, e.g. one .ci/run started. Otherwise
 * {@code azurite-blob} is taken from PATH or {@code var/tools/azurite} (installed there by npm when missing) and
 * started once per JVM on a free port with a throw-away data folder; it stops when the JVM exits.
 * Azurite 3.36+ needs Node 22, hence the pin.
 */
public final class Azurite {

    public static final String ACCOUNT_NAME = "devstoreaccount1";
    /** Azurite's well-known development key (public, not a secret). */
    public static final String ACCOUNT_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    static final String VERSION = "3.35.0";

    private static final String HOST = "127.0.0.1";
    private static final int DEFAULT_PORT = Integer.parseInt(System.getenv().getOrDefault("CONNECTA_TEST_AZURITE_PORT", "10000"));
    private static final Path TOOLS = Path.of("var/tools/azurite");
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private static String endpoint;

    private Azurite() {
    }

    /** The blob service URL of the account, e.g. {@code http://127.0.0.1:10000/devstoreaccount1}. */
    public static synchronized String endpoint() {
        if (endpoint == null) {
            int port = answers(DEFAULT_PORT) ? DEFAULT_PORT : start();
            endpoint = "http://" + HOST + ":" + port + "/" + ACCOUNT_NAME;
        }
        return endpoint;
    }

    private static int start() {
        int port = freePort();
        try {
            Path location = Files.createTempDirectory("azurite-");
            Process process = launch(port, location);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop(process);
                delete(location);
            }, "azurite-stop"));
            return port;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Azurite", e);
        }
    }

    /**
     * An Azurite of the caller's own on a free port, which it may {@link Own#stop() stop} and {@link Own#start() start}
     * again (same port, same data): for tests of a blob store that goes away.
     */
    public static Own own() {
        try {
            Own own = new Own(freePort(), Files.createTempDirectory("azurite-own-"));
            own.start();
            return own;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** See {@link #own()}. */
    public static final class Own implements AutoCloseable {

        private final int port;
        private final Path location;
        private Process process;

        private Own(int port, Path location) {
            this.port = port;
            this.location = location;
        }

        public String endpoint() {
            return "http://" + HOST + ":" + port + "/" + ACCOUNT_NAME;
        }

        /** Starts it (again) and returns once it answers. */
        public synchronized void start() {
            process = launch(port, location);
        }

        /** Stops it and returns once its port no longer answers. */
        public synchronized void stop() {
            if (process != null) {
                Azurite.stop(process);
                process = null;
            }
            Await.until("Azurite on port " + port + " is gone", () -> !answers(port));
        }

        @Override
        public void close() {
            stop();
            delete(location);
        }
    }

    /** Starts azurite-blob on the port with its data in the folder; returns once it answers. */
    private static Process launch(int port, Path location) {
        Path executable = executable();
        try {
            Path log = location.resolve("azurite.log");
            Process process = new ProcessBuilder(executable.toString(),
                    "--blobHost", HOST, "--blobPort", String.valueOf(port), "--location", location.toString(),
                    // the Azure SDK of Camel 4.17 speaks a newer service version than Azurite 3.35 knows
                    "--skipApiVersionCheck", "--loose", "--silent",
                    // started without it, Azurite sends telemetry to a host on the internet at once
                    "--disableTelemetry")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            Instant deadline = Instant.now().plus(START_TIMEOUT);
            while (!answers(port)) {
                // waitFor doubles as the poll interval and notices an Azurite that exits at once
                if (process.waitFor(100, TimeUnit.MILLISECONDS) || Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("Azurite did not come up on port " + port + " within " + START_TIMEOUT
                            + (process.isAlive() ? "" : " (exit " + process.exitValue() + ")") + ": " + Files.readString(log));
                }
            }
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + executable, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** azurite-blob from PATH, else from var/tools/azurite, installed there first if missing. */
    private static Path executable() {
        Path onPath = Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, "azurite-blob"))
                .filter(Files::isExecutable)
                .findFirst().orElse(null);
        if (onPath != null) {
            return onPath;
        }
        Path local = TOOLS.resolve("node_modules/.bin/azurite-blob").toAbsolutePath();
        try {
            Files.createDirectories(TOOLS);
            // one install at a time when several test JVMs start together
            try (FileChannel lockFile = FileChannel.open(TOOLS.resolve(".install.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lockFile.lock()) {
                if (!Files.isExecutable(local)) {
                    install();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install Azurite under " + TOOLS.toAbsolutePath(), e);
        }
        return local;
    }

    private static void install() throws IOException {
        Path log = Files.createTempFile("azurite-npm-", ".log");
        List<String> command = List.of("npm", "install", "--no-audit", "--no-fund", "--prefix", TOOLS.toString(), "azurite@" + VERSION);
        Process npm = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!npm.waitFor(INSTALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                npm.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " took longer than " + INSTALL_TIMEOUT);
            }
        } catch (InterruptedException e) {
            npm.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (npm.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (exit " + npm.exitValue() + "): "
                    + Files.readString(log));
        }
        Files.deleteIfExists(log);
    }

    private static boolean answers(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void stop(Process process) {
        // azurite-blob is a node script: its children go with it
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void delete(Path location) {
        try (Stream<Path> files = Files.walk(location)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp folder left behind is harmless
        }
    }
}
