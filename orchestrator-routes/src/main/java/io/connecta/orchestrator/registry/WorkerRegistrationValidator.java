package io.connecta.orchestrator.registry;

import io.connecta.common.problem.ApiProblemException;
import io.connecta.common.problem.FieldError;
import io.connecta.common.worker.WorkerNames;
import io.connecta.common.worker.WorkerRegistration;
import org.springframework.stereotype.Component;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks registrations. The base URL matters most: the orchestrator forwards front-end calls to it, so it must
 * be a plain http(s) origin (no credentials, query or fragment).
 */
@Component
public class WorkerRegistrationValidator {

    public static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    public static final Pattern WORKER_TYPE = WorkerNames.WORKER_TYPE;
    private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*/?");
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9._+-]{0,64}");

    public WorkerRegistration validate(WorkerRegistration r) {
        if (r == null) {
            throw ApiProblemException.badRequest("request body is required: a JSON registration");
        }
        List<FieldError> errors = new ArrayList<>();
        check(errors, "instanceId", r.instanceId(), INSTANCE_ID);
        check(errors, "workerType", r.workerType(), WORKER_TYPE);
        if (r.version() != null && !VERSION.matcher(r.version()).matches()) {
            errors.add(new FieldError("version", "must match " + VERSION.pattern()));
        }
        String baseUrl = r.baseUrl();
        if (baseUrl == null || baseUrl.isBlank()) {
            errors.add(new FieldError("baseUrl", "is required"));
        } else {
            String problem = baseUrlProblem(baseUrl);
            if (problem != null) {
                errors.add(new FieldError("baseUrl", problem));
            }
        }
        if (!errors.isEmpty()) {
            String detail = String.join("; ", errors.stream().map(e -> e.field() + ": " + e.message()).toList());
            throw new ApiProblemException(400, detail, errors);
        }
        String url = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        return new WorkerRegistration(r.instanceId(), r.workerType(), url, r.version());
    }

    private static void check(List<FieldError> errors, String field, String value, Pattern pattern) {
        if (value == null || value.isEmpty()) {
            errors.add(new FieldError(field, "is required"));
        } else if (!pattern.matcher(value).matches()) {
            errors.add(new FieldError(field, "must match " + pattern.pattern()));
        }
    }

    private static String baseUrlProblem(String baseUrl) {
        if (baseUrl.length() > 512) {
            return "must be at most 512 characters";
        }
        try {
            URI uri = new URI(baseUrl);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                return "must be an http or https URL";
            }
            if (uri.getHost() == null) {
                return "must name a host";
            }
            if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                return "must not carry credentials, a query or a fragment";
            }
            String path = uri.getRawPath();
            if (path != null && !path.isEmpty() && !PATH.matcher(path).matches()) {
                return "may have a plain path prefix only (segments of letters, digits, '.', '_', '-')";
            }
            return null;
        } catch (URISyntaxException e) {
            return "is not a valid URL: " + e.getReason();
        }
    }
}
