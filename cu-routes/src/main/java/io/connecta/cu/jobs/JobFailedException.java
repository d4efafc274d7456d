package io.connecta.cu.jobs;

/** The job cannot run as asked (unknown profile, missing input, a path outside the root): FAILED, no retry. */
public class JobFailedException extends RuntimeException {

    public JobFailedException(String reason) {
        super(reason);
    }
}
