package io.connecta.common.job;

/** A job's life: {@code PENDING → QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELLED}, forward only. */
public enum JobState {
    PENDING(0), QUEUED(1), RUNNING(2), SUCCEEDED(3), FAILED(3), CANCELLED(3);

    private final int rank;

    JobState(int rank) {
        this.rank = rank;
    }

    /** The state of that name, or null. */
    public static JobState valueOfOrNull(String name) {
        for (JobState state : values()) {
            if (state.name().equals(name)) {
                return state;
            }
        }
        return null;
    }

    /** Higher ranks are later; the three terminal states share the highest rank. */
    public int rank() {
        return rank;
    }

    public boolean isTerminal() {
        return rank == 3;
    }

    /** Whether a job in this state may move to {@code next}: only forward, never out of a terminal state. */
    public boolean canMoveTo(JobState next) {
        return !isTerminal() && next.rank > rank;
    }
}
