package io.connecta.cu.exec;

/**
 * The CU could not be run for a reason outside the job: the deployer's executable is missing or not executable,
 * the work directory or the input file is missing. Retrying the job later may succeed, so this is thrown to the
 * caller's error handling instead of becoming a failed {@link ExecOutcome}.
 */
public class CuInfrastructureException extends RuntimeException {

    public CuInfrastructureException(String message) {
        super(message);
    }
}
