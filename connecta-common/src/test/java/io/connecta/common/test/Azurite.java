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
        Path executable = executable();
        int port = freePort();
        try {
            Path location = Files.createTempDirectory("azurite-");
            Path log = location.resolve("azurite.log");
            Process process = new ProcessBuilder(executable.toString(),
                    "--blobHost", HOST, "--blobPort", String.valueOf(port), "--location", location.toString(),
                    // the Azure SDK of Camel 4.17 speaks a newer service version than Azurite 3.35 knows
                    "--skipApiVersionCheck", "--loose", "--silent",
                    // started without it, Azurite sends telemetry to a host on the internet at once
                    "--disableTelemetry")
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(process, location), "azurite-stop"));
            Instant deadline = Instant.now().plus(START_TIMEOUT);
            while (!answers(port)) {
                // waitFor doubles as the poll interval and notices an Azurite that exits at once
                if (process.waitFor(100, TimeUnit.MILLISECONDS) || Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("Azurite did not come up on port " + port + " within " + START_TIMEOUT
                            + (process.isAlive() ? "" : " (exit " + process.exitValue() + ")") + ": " + Files.readString(log));
                }
            }
            return port;
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

    private static void stop(Process process, Path location) {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(location)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp folder left behind is harmless
        }
    }
}
