package io.connecta.common.job;

/** Queue names of the job message contract (DESIGN.md). */
public final class JobQueues {

    public static final String SUBMIT = "connecta.jobs.submit";
    public static final String RESULTS = "connecta.jobs.results";
    public static final String INVALID = "connecta.jobs.invalid";
    /** Dispatch messages that could not be run after every retry; the reason is in {@link #REASON_HEADER}. */
    public static final String DEAD_LETTER = "connecta.jobs.dlq";
    public static final String REASON_HEADER = "ConnectaReason";

    private JobQueues() {
    }

    /** The dispatch queue of one worker type, e.g. {@code connecta.jobs.cu}. */
    public static String dispatch(String workerType) {
        return "connecta.jobs." + workerType;
    }
}
