package io.connecta.cu.exec;

import io.connecta.profiles.ProfilePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Where and as whom a CU runs (issue 10, "a confined run"). Takes the executable, its arguments and the work dir;
 * gives the command line that runs it confined and the environment it starts from.
 * <ul>
 *   <li><b>Sandbox</b> (bubblewrap): a fresh mount namespace with only the system folders ({@code /usr}, {@code /etc},
 *       the {@code /bin}, {@code /lib*} links) and the executable's own folder, all read-only, a fresh {@code /dev},
 *       {@code /proc} and tmpfs {@code /tmp}, and the work dir as the only writable place. Nothing else of the host is
 *       there: not the worker's var dir (blobs, other jobs' work dirs, databases, drop-in), not {@code /root}. All
 *       namespaces unshared (no network), no capabilities, a new session (no terminal injection), killed with the
 *       worker.</li>
 *   <li><b>Run-as</b>: a worker running as root starts the CU as the configured user ({@code setpriv}, before bwrap,
 *       so bwrap itself runs unprivileged and the kernel's file permissions apply); the work dir is handed to that
 *       user. (bwrap's own {@code --uid} maps the user to root outside the sandbox, which is no confinement.)</li>
 *   <li><b>Environment</b>: a small fixed one ({@link #environment}), never the worker's. It reaches the CU through
 *       the process environment rather than bwrap's {@code --setenv}: command lines are world-readable in
 *       {@code /proc}, environments are not, and a profile's variable may be a secret.</li>
 * </ul>
 * The mode is decided once, at start-up, by running bwrap ({@link #start}).
 */
public class CuConfinement {

    private static final Logger LOG = LoggerFactory.getLogger(CuConfinement.class);

    /** The system folders the CU sees, read-only; the usr-merge links among them stay links. */
    private static final List<String> SYSTEM = List.of("/usr", "/etc", "/bin", "/sbin", "/lib", "/lib64", "/lib32",
            "/libx32");

    private final ConfinementProperties properties;
    private boolean sandboxed;
    private int[] runAs;

    public CuConfinement(ConfinementProperties properties) {
        this.properties = properties;
    }

    /**
     * Decides the mode by running bwrap once (as the run-as user, as a CU would run).
     *
     * @throws IllegalStateException the sandbox is required (mode {@code bwrap} or {@code required=true}) and bwrap
     *                               does not work here; the worker does not start
     */
    public void start() {
        runAs = resolveRunAs();
        ConfinementProperties.Sandbox sandbox = properties.getSandbox();
        boolean required = sandbox.isRequired() || sandbox.getMode() == ConfinementProperties.Mode.BWRAP;
        if (sandbox.getMode() == ConfinementProperties.Mode.NONE) {
            if (sandbox.isRequired()) {
                throw new IllegalStateException("connecta.cu.sandbox.required=true but connecta.cu.sandbox.mode=none:"
                        + " the CU worker does not start unconfined");
            }
            sandboxed = false;
        } else {
            String problem = probe();
            if (problem != null && required) {
                throw new IllegalStateException("the CU sandbox is required (connecta.cu.sandbox.mode="
                        + sandbox.getMode().name().toLowerCase() + ", required=" + sandbox.isRequired() + ") but "
                        + sandbox.getBwrapPath() + " does not work here: " + problem + ". Install bubblewrap (Debian:"
                        + " apt-get install bubblewrap), allow unprivileged user namespaces, or set"
                        + " connecta.cu.sandbox.mode=none and required=false to run CUs unconfined");
            }
            sandboxed = problem == null;
            if (problem != null) {
                LOG.warn("*** SECURITY: CUs run WITHOUT a sandbox: {} does not work here ({}); a CU can read and write"
                        + " whatever the worker's user can. Install bubblewrap or set connecta.cu.sandbox.required=true",
                        sandbox.getBwrapPath(), problem);
            }
        }
        LOG.info("CU runs: {}, {}", sandboxed ? "in a bubblewrap sandbox" : "unconfined",
                runAs == null ? "as the worker's user" : "as uid " + runAs[0] + " gid " + runAs[1]);
    }

    public boolean sandboxed() {
        return sandboxed;
    }

    /**
     * Readies the work dir for the run: a {@code tmp/} for TMPDIR when there is no sandbox (the sandbox has its own
     * /tmp), and, with run-as, the work dir and what the worker put in it handed to that user.
     */
    public void prepare(Path workDir) throws IOException {
        if (!sandboxed) {
            Files.createDirectories(workDir.resolve("tmp"));
        }
        // the job's own folder: no other user looks in (another job's CU, when there is no sandbox to hide it)
        Files.setPosixFilePermissions(workDir, PosixFilePermissions.fromString("rwx------"));
        if (runAs != null) {
            try (Stream<Path> files = Files.walk(workDir)) {
                for (Path file : files.toList()) {
                    Files.setAttribute(file, "unix:uid", runAs[0], LinkOption.NOFOLLOW_LINKS);
                    Files.setAttribute(file, "unix:gid", runAs[1], LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
    }

    /** The command line that runs the executable confined, in the work dir. */
    public List<String> commandLine(Path executable, List<String> args, Path workDir) throws IOException {
        List<String> line = new ArrayList<>(prefix());
        Path real = executable.toRealPath();
        if (sandboxed) {
            for (String folder : SYSTEM) {
                Path path = Path.of(folder);
                if (Files.isSymbolicLink(path)) {
                    line.addAll(List.of("--symlink", Files.readSymbolicLink(path).toString(), folder));
                } else if (Files.isDirectory(path)) {
                    line.addAll(List.of("--ro-bind", folder, folder));
                }
            }
            String bin = real.getParent().toString();
            String dir = workDir.toString();
            // mounts apply in order: the fresh /tmp first, so an executable or a work dir below /tmp stays visible
            line.addAll(List.of("--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--ro-bind", bin, bin,
                    "--bind", dir, dir, "--chdir", dir, "--unshare-all", "--cap-drop", "ALL", "--die-with-parent",
                    "--new-session"));
        }
        line.add(real.toString());
        line.addAll(args);
        return line;
    }

    /**
     * The child's whole environment: PATH, HOME and PWD (the work dir), LANG, LC_ALL, TZ and TMPDIR set by the worker, plus the
     * profile's variables (already held to the allow-list; a worker variable or a loader one is never taken).
     */
    public Map<String, String> environment(Path workDir, Map<String, String> profileEnv) {
        Map<String, String> env = new LinkedHashMap<>();
        profileEnv.forEach((name, value) -> {
            if (!ProfilePolicy.isForbiddenVariable(name)) {
                env.put(name, value);
            }
        });
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", workDir.toString());
        env.put("PWD", workDir.toString()); // the current directory, as bwrap's --chdir sets it too
        env.put("LANG", "C.UTF-8");
        env.put("LC_ALL", "C.UTF-8");
        env.put("TZ", "UTC");
        env.put("TMPDIR", sandboxed ? "/tmp" : workDir.resolve("tmp").toString());
        return env;
    }

    private List<String> prefix() {
        List<String> prefix = new ArrayList<>();
        if (runAs != null) {
            prefix.addAll(List.of("/usr/bin/setpriv", "--reuid=" + runAs[0], "--regid=" + runAs[1], "--clear-groups",
                    "--no-new-privs"));
        }
        if (sandboxed) {
            prefix.add(properties.getSandbox().getBwrapPath());
        }
        return prefix;
    }

    /** null when bwrap runs a command in a sandbox as a CU's would be; else what went wrong. */
    private String probe() {
        List<String> command = new ArrayList<>(prefix()); // not yet sandboxed: at most the run-as part
        command.add(properties.getSandbox().getBwrapPath());
        command.addAll(List.of("--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-all",
                "--cap-drop", "ALL", "--die-with-parent", "--new-session", "true"));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "it did not finish within 10 s";
            }
            return process.exitValue() == 0 ? null : "it exited with " + process.exitValue();
        } catch (IOException e) {
            return "it cannot be started (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** uid and gid of {@code connecta.cu.run-as}, or null when not set or the worker is not root (then a WARN). */
    private int[] resolveRunAs() {
        String runAs = properties.getRunAs();
        if (runAs.isEmpty()) {
            return null;
        }
        int[] ids = runAs.matches("\\d+:\\d+") ? new int[] {Integer.parseInt(runAs.split(":")[0]),
                Integer.parseInt(runAs.split(":")[1])} : fromPasswd(runAs);
        try {
            if (!Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"))) {
                LOG.warn("connecta.cu.run-as={} is ignored: the worker is not root, so CUs run as the worker's user",
                        runAs);
                return null;
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalStateException("connecta.cu.run-as needs Linux (/proc/self): " + e.getMessage(), e);
        }
        return ids;
    }

    private static int[] fromPasswd(String user) {
        try (Stream<String> lines = Files.lines(Path.of("/etc/passwd"))) {
            return lines.map(l -> l.split(":")).filter(f -> f.length > 3 && f[0].equals(user)).findFirst()
                    .map(f -> new int[] {Integer.parseInt(f[2]), Integer.parseInt(f[3])})
                    .orElseThrow(() -> new IllegalStateException("connecta.cu.run-as: no user '" + user
                            + "' in /etc/passwd; give a user name or uid:gid"));
        } catch (IOException e) {
            throw new IllegalStateException("connecta.cu.run-as: cannot read /etc/passwd: " + e.getMessage(), e);
        }
    }
}
