package io.connecta.profiles;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A CU profile (the legacy system's "CuConfig" or "setup"): how to run one allow-listed executable.
 * {@code version} is the optimistic lock: an update must carry the version it read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CuProfile(
        String id,
        String name,
        String description,
        String executable,
        List<String> args,
        Map<String, String> env,
        Integer timeoutSeconds,
        List<Integer> successExitCodes,
        String output,
        Long version,
        Instant createdAt,
        Instant updatedAt) {

    public static final int DEFAULT_TIMEOUT_SECONDS = 300;
    public static final String DEFAULT_OUTPUT = "output.dat";

    /** This profile with the defaults filled in for the optional fields a client left out. */
    public CuProfile withDefaults() {
        return new CuProfile(id, name, description == null ? "" : description, executable,
                args == null ? List.of() : args,
                env == null ? Map.of() : env,
                timeoutSeconds == null ? DEFAULT_TIMEOUT_SECONDS : timeoutSeconds,
                successExitCodes == null || successExitCodes.isEmpty() ? List.of(0) : successExitCodes,
                output == null ? DEFAULT_OUTPUT : output,
                version, createdAt, updatedAt);
    }

    public CuProfile stored(String storedId, long storedVersion, Instant created, Instant updated) {
        return new CuProfile(storedId, name, description, executable, args, env, timeoutSeconds, successExitCodes,
                output, storedVersion, created, updated);
    }
}
