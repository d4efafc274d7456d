package io.connecta.orchestrator.jobs;

/** A job message that cannot be accepted as it is; it goes to {@code connecta.jobs.invalid} with this reason. */
public class InvalidJobMessageException extends RuntimeException {

    public InvalidJobMessageException(String reason) {
        super(reason);
    }
}
