package io.connecta.cu.exec;

/**
 * The worker stopped this run: its graceful stop began before the CU started, or the CU was still running when the
 * stop's grace ran out and the worker killed it. Not the job's fault and not a failure: the caller hands the job back
 * (a dispatched job's transaction rolls back so another worker runs it; a drop-in file stays in in/).
 */
public class CuStoppedException extends RuntimeException {

    public CuStoppedException(String message) {
        super(message);
    }
}
