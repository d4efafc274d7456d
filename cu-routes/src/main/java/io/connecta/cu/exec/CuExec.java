package io.connecta.cu.exec;

/** The contract of the CU run step {@code direct:cu-exec}: what a caller puts on the exchange and what it finds there. */
public final class CuExec {

    /** The endpoint of the run step. */
    public static final String ENDPOINT = "direct:cu-exec";

    /** In, exchange property: the {@link io.connecta.profiles.CuProfile} to run with. */
    public static final String PROFILE = "connectaProfile";

    /** In, header: the job's fresh work directory (a {@link java.nio.file.Path} or a String). */
    public static final String WORK_DIR = "ConnectaWorkDir";

    /** The name of the input file the caller has put into the work directory. */
    public static final String INPUT_FILE = "input";

    /** The child's standard output, in the work directory. */
    public static final String STDOUT_LOG = "stdout.log";

    /** The child's standard error, in the work directory. */
    public static final String STDERR_LOG = "stderr.log";

    /** Internal header: the profile's environment variables for the child (a {@code Map<String, String>}). */
    public static final String ENV = "ConnectaExecEnv";

    /** Internal exchange property: the resolved {@link CuCommand} of this run; absent when nothing was run. */
    static final String COMMAND = "connectaCuCommand";

    private CuExec() {
    }
}
