package io.connecta.profiles;

import io.connecta.common.problem.ApiProblemException;
import io.connecta.common.problem.FieldError;
import io.connecta.common.worker.WorkerNames;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a profile before anything is stored; every problem names its field. The shape of each field here; what the
 * executable may be passed ({@code args}, {@code env}) in {@link ProfilePolicy}, once the shape is right.
 */
@Component
public class CuProfileValidator {

    static final Pattern ID = WorkerNames.PROFILE_ID;
    static final Set<String> PLACEHOLDERS = Set.of("input", "output", "workDir");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,254}");
    private static final int MAX_NAME = 200;
    private static final int MAX_DESCRIPTION = 4000;
    private static final int MAX_ARGS = 100;
    private static final int MAX_ARG = 4096;
    private static final int MAX_ENV = 100;
    private static final int MAX_TIMEOUT = 86_400;

    private final ExecutableAllowList allowList;
    private final ProfilePolicy policy;

    public CuProfileValidator(ExecutableAllowList allowList, ProfilePolicy policy) {
        this.allowList = allowList;
        this.policy = policy;
    }

    /** Validates a profile to be created or updated; {@code pathId} is the id from the URL on update. */
    public CuProfile validate(CuProfile profile, String pathId) {
        if (profile == null) {
            throw ApiProblemException.badRequest("request body is required: a JSON profile");
        }
        List<FieldError> errors = new ArrayList<>();
        String id = profile.id();
        if (pathId != null) {
            if (id != null && !id.equals(pathId)) {
                errors.add(new FieldError("id", "does not match the id in the path ('" + pathId + "')"));
            }
            id = pathId;
            if (profile.version() == null) {
                errors.add(new FieldError("version", "is required on update: send the version you read"));
            }
        }
        if (id == null || id.isEmpty()) {
            errors.add(new FieldError("id", "is required"));
        } else if (!ID.matcher(id).matches()) {
            errors.add(new FieldError("id", "must match " + ID.pattern()));
        }
        requireText(errors, "name", profile.name(), MAX_NAME);
        if (profile.description() != null && profile.description().length() > MAX_DESCRIPTION) {
            errors.add(new FieldError("description", "must be at most " + MAX_DESCRIPTION + " characters"));
        }
        if (profile.executable() == null || profile.executable().isBlank()) {
            errors.add(new FieldError("executable", "is required: a key of the executable allow-list"));
        } else if (!allowList.allows(profile.executable())) {
            errors.add(new FieldError("executable", "'" + profile.executable()
                    + "' is not in the executable allow-list " + allowList.getExecutables().keySet()));
        }
        checkArgs(errors, profile.args());
        checkEnv(errors, profile.env());
        if (profile.timeoutSeconds() != null && (profile.timeoutSeconds() < 1 || profile.timeoutSeconds() > MAX_TIMEOUT)) {
            errors.add(new FieldError("timeoutSeconds", "must be between 1 and " + MAX_TIMEOUT));
        }
        checkExitCodes(errors, profile.successExitCodes());
        if (profile.output() != null && (!FILE_NAME.matcher(profile.output()).matches())) {
            errors.add(new FieldError("output", "must be a plain file name (letters, digits, '.', '_', '-'), not a path"));
        }
        if (errors.isEmpty()) {
            // what the deployer allows this executable: options and their values, placeholders, variables
            errors.addAll(policy.violations(profile));
        }
        if (!errors.isEmpty()) {
            throw ApiProblemException.unprocessable(errors);
        }
        CuProfile withId = new CuProfile(id, profile.name(), profile.description(), profile.executable(), profile.args(),
                profile.env(), profile.timeoutSeconds(), profile.successExitCodes(), profile.output(), profile.version(),
                null, null);
        return withId.withDefaults();
    }

    /** A path id that cannot exist is answered like any unknown id, before it reaches the database. */
    public static boolean isWellFormedId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    private static void requireText(List<FieldError> errors, String field, String value, int max) {
        if (value == null || value.isBlank()) {
            errors.add(new FieldError(field, "is required"));
        } else if (value.length() > max) {
            errors.add(new FieldError(field, "must be at most " + max + " characters"));
        }
    }

    private static void checkArgs(List<FieldError> errors, List<String> args) {
        if (args == null) {
            return;
        }
        if (args.size() > MAX_ARGS) {
            errors.add(new FieldError("args", "must have at most " + MAX_ARGS + " entries"));
            return;
        }
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String field = "args[" + i + "]";
            if (arg == null) {
                errors.add(new FieldError(field, "must not be null"));
                continue;
            }
            if (arg.length() > MAX_ARG) {
                errors.add(new FieldError(field, "must be at most " + MAX_ARG + " characters"));
            }
            if (arg.indexOf('\0') >= 0) {
                errors.add(new FieldError(field, "must not contain a NUL character"));
            }
            Matcher m = PLACEHOLDER.matcher(arg);
            while (m.find()) {
                if (!PLACEHOLDERS.contains(m.group(1))) {
                    errors.add(new FieldError(field, "unknown placeholder ${" + m.group(1)
                            + "}; allowed are ${input}, ${output}, ${workDir}"));
                }
            }
        }
    }

    private static void checkEnv(List<FieldError> errors, Map<String, String> env) {
        if (env == null) {
            return;
        }
        if (env.size() > MAX_ENV) {
            errors.add(new FieldError("env", "must have at most " + MAX_ENV + " entries"));
            return;
        }
        // names and values: ProfilePolicy, against the executable's allow-list
    }

    private static void checkExitCodes(List<FieldError> errors, List<Integer> codes) {
        if (codes == null) {
            return;
        }
        if (codes.size() > 32) {
            errors.add(new FieldError("successExitCodes", "must have at most 32 entries"));
        }
        for (int i = 0; i < codes.size(); i++) {
            Integer code = codes.get(i);
            if (code == null || code < 0 || code > 255) {
                errors.add(new FieldError("successExitCodes[" + i + "]", "must be an exit code between 0 and 255"));
            }
        }
    }
}
